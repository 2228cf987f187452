import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import Settings from "./Settings.svelte";
import { fakeBackend } from "../../test/backend";
import { language, setLanguage } from "../i18n/index.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage("vi");
});

const SAVED = {
  working_hours: [
    { start: "07:30", end: "11:30" },
    { start: "13:30", end: "17:00" },
  ],
  paper: "a4",
  language: "vi",
};
const CLERKS = [{ id: "c1", name: "Lê Văn Một" }];

describe("Settings", () => {
  it("saves paper, printer and language, then switches the interface language", async () => {
    const core = fakeBackend({ settings: () => SAVED, save_settings: (args) => args.settings });
    const user = userEvent.setup();
    render(Settings, { clerks: CLERKS });

    await user.selectOptions(await screen.findByTestId("settings-paper"), "a5");
    await user.type(screen.getByTestId("settings-printer"), "HP LaserJet");
    await user.selectOptions(screen.getByTestId("settings-language"), "en");
    await user.click(screen.getByTestId("settings-save"));

    await waitFor(() => expect(core.argsOf("save_settings")).toHaveLength(1));
    expect(core.argsOf("save_settings")[0]).toEqual({
      settings: { ...SAVED, paper: "a5", printer: "HP LaserJet", language: "en" },
    });
    expect(language()).toBe("en");
    expect((await screen.findByTestId("settings-note")).textContent).toBe("Settings saved.");
    expect(screen.getByTestId("settings-clerks").textContent).toContain("Lê Văn Một");
  });

  it("refuses a working-hours span that ends before it starts", async () => {
    const core = fakeBackend({ settings: () => SAVED, save_settings: (args) => args.settings });
    const user = userEvent.setup();
    render(Settings, { clerks: CLERKS });
    const end = (await screen.findByTestId("settings-hours-end-0")) as HTMLInputElement;
    await user.clear(end);
    await user.type(end, "07:00");
    await user.click(screen.getByTestId("settings-save"));
    expect((await screen.findByTestId("settings-error")).textContent).toBe("Giờ kết thúc phải sau giờ bắt đầu.");
    expect(core.argsOf("save_settings")).toHaveLength(0);
  });

  it("adds and retires clerks at once and hands the new list to the header", async () => {
    const core = fakeBackend({
      settings: () => SAVED,
      save_clerk: (args) => {
        const clerk = args.clerk as { id?: string; name: string; active: boolean };
        return clerk.id
          ? { configured: true, enrolled: false, clerks: [{ id: "c2", name: "Hầu Văn Páo" }] }
          : { configured: true, enrolled: false, clerks: [...CLERKS, { id: "c2", name: clerk.name }] };
      },
    });
    const onStatus = vi.fn();
    const user = userEvent.setup();
    const { rerender } = render(Settings, { clerks: CLERKS, onStatus });
    await user.type(await screen.findByTestId("settings-clerk-new"), "Hầu Văn Páo{Enter}");
    await waitFor(() => expect(core.argsOf("save_clerk")).toEqual([{ clerk: { name: "Hầu Văn Páo", active: true } }]));
    await waitFor(() => expect(onStatus).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId("settings-note").textContent).toContain("Đã cập nhật danh sách công chức");

    await rerender({ clerks: onStatus.mock.calls[0][0].clerks, onStatus });
    await user.click(screen.getByTestId("settings-clerk-retire-c1"));
    await waitFor(() =>
      expect(core.argsOf("save_clerk")[1]).toEqual({ clerk: { id: "c1", name: "Lê Văn Một", active: false } }),
    );
  });

  it("enrols a counter that works offline, and shows the core's refusal in Vietnamese", async () => {
    let attempts = 0;
    const core = fakeBackend({
      settings: () => SAVED,
      enroll: () => {
        attempts += 1;
        if (attempts === 1) throw { code: "enroll_failed", message: "refused" };
        return { configured: true, enrolled: true, clerks: CLERKS };
      },
    });
    const onStatus = vi.fn();
    const user = userEvent.setup();
    render(Settings, { clerks: CLERKS, enrolled: false, onStatus });
    expect((await screen.findByTestId("settings-not-enrolled")).textContent).toContain("chưa được đăng ký");
    await user.type(screen.getByTestId("settings-server-url"), "http://10.0.0.5:8080");
    await user.type(screen.getByTestId("settings-enroll-code"), "SAI{Enter}");
    expect((await screen.findByTestId("settings-error")).textContent).toContain("Không đăng ký được với máy chủ");
    expect(onStatus).not.toHaveBeenCalled();

    await user.clear(screen.getByTestId("settings-enroll-code"));
    await user.type(screen.getByTestId("settings-enroll-code"), "DUNG{Enter}");
    await waitFor(() => expect(onStatus).toHaveBeenCalledTimes(1));
    expect(core.argsOf("enroll")[1]).toEqual({ server_url: "http://10.0.0.5:8080", code: "DUNG" });
    expect(screen.getByTestId("settings-note").textContent).toContain("Đã đăng ký");
  });
});
