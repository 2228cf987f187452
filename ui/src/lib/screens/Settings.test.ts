import { afterEach, describe, expect, it } from "vitest";
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
});
