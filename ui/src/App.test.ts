import { afterEach, describe, expect, it } from "vitest";
import { render, screen, cleanup, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n/index.svelte";
import { CATALOGUE, dossier, fakeBackend } from "./test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage("vi");
  localStorage.clear();
});

const EMPTY_BOARD = { due_today: [], due_soon: [], overdue: [], apology_due: [] };

function configuredCore(overrides: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return fakeBackend({
    setup_status: () => ({
      configured: true,
      commune_name: "Xã Thử Nghiệm",
      counter_name: "Quầy 1",
      clerks: [
        { id: "c1", name: "Lê Văn Một" },
        { id: "c2", name: "Phạm Thị Hai" },
      ],
    }),
    app_info: () => ({ version: "9.9.9", procedures: 25 }),
    settings: () => ({ working_hours: [], paper: "a4", language: "vi" }),
    sync_status: () => ({ state: "offline", waiting_events: 0 }),
    list_procedures: () => CATALOGUE,
    board: () => EMPTY_BOARD,
    search: () => [dossier()],
    dossier_detail: () => ({ dossier: dossier(), events: [], printable: [] }),
    ...overrides,
  });
}

describe("App shell", () => {
  it("shows the backend's version and catalogue size once the core answers", async () => {
    configuredCore();
    render(App);
    expect(await screen.findByText("Sẵn sàng · phiên bản 9.9.9 · 25 thủ tục")).toBeTruthy();
    expect(screen.getByText("Xã Thử Nghiệm · Quầy 1")).toBeTruthy();
  });

  it("says in Vietnamese that the core is unreachable when the command fails", async () => {
    mockIPC(() => {
      throw new Error("boom");
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Không kết nối được");
    await waitFor(() => expect(screen.getByTestId("status").textContent).toContain("Không kết nối được"));
  });

  it("keeps one status line that reaches \"Sẵn sàng\" even before setup (the desktop e2e test waits on it)", async () => {
    configuredCore({ setup_status: () => ({ configured: false, clerks: [] }) });
    render(App);
    expect(screen.getAllByTestId("status")).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId("status").textContent).toContain("Sẵn sàng"));
    expect(screen.getAllByTestId("status")).toHaveLength(1);
  });

  it("opens first-run setup when the counter is not configured", async () => {
    configuredCore({ setup_status: () => ({ configured: false, clerks: [] }) });
    render(App);
    expect(await screen.findByTestId("setup-commune-code")).toBeTruthy();
    expect(screen.queryByTestId("nav-intake")).toBeNull();
  });

  it("F3, F4 and F2 switch screens without the mouse; Enter opens a found dossier and Esc goes back", async () => {
    const core = configuredCore();
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId("intake-procedure-search");

    await user.keyboard("{F3}");
    const search = await screen.findByTestId("search-input");
    expect(document.activeElement).toBe(search);
    await user.keyboard("Nguyen Thi{Enter}");
    await screen.findByTestId("detail");
    expect(core.argsOf("dossier_detail")).toEqual([{ code: "H15.50.05.13-261125-0001" }]);
    await user.keyboard("{Escape}");
    await screen.findByTestId("search-input");

    await user.keyboard("{F4}");
    expect(await screen.findByTestId("board-overdue")).toBeTruthy();
    await user.keyboard("{F2}");
    expect(await screen.findByTestId("intake-procedure-search")).toBeTruthy();
  });

  it("passes the selected clerk to intake and remembers the choice", async () => {
    configuredCore();
    const user = userEvent.setup();
    render(App);
    const select = (await screen.findByTestId("clerk-select")) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("c1"));
    await user.selectOptions(select, "c2");
    expect(localStorage.getItem("motcua.clerk")).toBe("c2");
  });

  it("switches to English when the saved settings say so", async () => {
    configuredCore({ settings: () => ({ working_hours: [], paper: "a4", language: "en" }) });
    render(App);
    await waitFor(() => expect(screen.getByTestId("nav-intake").textContent).toContain("Intake"));
    expect(document.documentElement.lang).toBe("en");
  });
});
