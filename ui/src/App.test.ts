import { afterEach, describe, expect, it } from "vitest";
import { render, screen, cleanup } from "@testing-library/svelte";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import App from "./App.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App shell", () => {
  it("shows the backend's version and catalogue size once the core answers", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return { version: "9.9.9", procedures: 25 };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(App);
    expect(await screen.findByText("Sẵn sàng · phiên bản 9.9.9 · 25 thủ tục")).toBeTruthy();
  });

  it("says in Vietnamese that the core is unreachable when the command fails", async () => {
    mockIPC(() => {
      throw new Error("boom");
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Không kết nối được");
  });
});
