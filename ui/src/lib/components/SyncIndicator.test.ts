import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import SyncIndicator from "./SyncIndicator.svelte";
import { fakeBackend } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Sync indicator", () => {
  it("shows offline state, waiting events and the last success in words", async () => {
    fakeBackend({
      sync_status: () => ({ state: "offline", waiting_events: 7, last_success: "2026-11-25T08:05:00+07:00" }),
    });
    render(SyncIndicator);
    const state = await screen.findByTestId("sync-state");
    expect(state.textContent?.trim()).toBe("Ngoại tuyến");
    expect(state.querySelector("svg[data-icon='offline']")).not.toBeNull();
    expect(screen.getByTestId("sync-waiting").textContent?.trim()).toBe("7 thay đổi chờ gửi");
    expect(screen.getByTestId("sync-last").textContent?.trim()).toBe("Đồng bộ lần cuối: 08:05 ngày 25/11/2026");
  });

  it("follows sync-status events: progress bar and time left during a long sync", async () => {
    fakeBackend({ sync_status: () => ({ state: "online", waiting_events: 0 }) });
    render(SyncIndicator);
    await screen.findByTestId("sync-state");
    expect(screen.queryByTestId("sync-progress")).toBeNull();

    // The core's own payload (app::sync::ProgressView): what is left, bytes, time left or null.
    await emit("sync-status", {
      state: "syncing",
      waiting_events: 1500,
      last_success: null,
      clock_skew_seconds: null,
      progress: { events_waiting: 1500, bytes_sent: 0, bytes_received: 0, estimated_seconds_left: null },
    });
    const first = await screen.findByTestId("sync-progress");
    expect(first.textContent).toContain("Đã gửi 0/1500");
    expect(screen.queryByTestId("sync-time-left")).toBeNull();
    expect(screen.queryByTestId("sync-clock-skew")).toBeNull();
    await emit("sync-status", {
      state: "syncing",
      waiting_events: 1200,
      progress: { events_waiting: 1200, bytes_sent: 39_000, bytes_received: 800, estimated_seconds_left: 150 },
    });
    const progress = await screen.findByTestId("sync-progress");
    await waitFor(() => expect(progress.textContent).toContain("Đã gửi 300/1500"));
    const bar = progress.querySelector("progress") as HTMLProgressElement;
    expect(bar.value).toBe(300);
    expect(bar.max).toBe(1500);
    expect(screen.getByTestId("sync-time-left").textContent).toBe("còn khoảng 3 phút");
    expect(screen.getByTestId("sync-state").textContent?.trim()).toBe("Đang đồng bộ");
    expect((screen.getByTestId("sync-now") as HTMLButtonElement).disabled).toBe(true);
  });

  it("Sync now asks the core and shows its answer", async () => {
    const core = fakeBackend({
      sync_status: () => ({ state: "offline", waiting_events: 3 }),
      sync_now: () => ({ state: "online", waiting_events: 0, last_success: "2026-11-25T10:00:00+07:00" }),
    });
    const user = userEvent.setup();
    render(SyncIndicator);
    await user.click(await screen.findByTestId("sync-now"));
    await waitFor(() => expect(screen.getByTestId("sync-state").textContent?.trim()).toBe("Trực tuyến"));
    expect(core.argsOf("sync_now")).toHaveLength(1);
  });

  it("warns when the clock is off the server by minutes (due dates depend on it)", async () => {
    fakeBackend({ sync_status: () => ({ state: "online", waiting_events: 0, clock_skew_seconds: -600 }) });
    render(SyncIndicator);
    expect((await screen.findByTestId("sync-clock-skew")).textContent).toContain("lệch 10 phút");
  });

  it("does not offer Sync now before the counter is enrolled", async () => {
    fakeBackend({ sync_status: () => ({ state: "not_enrolled", waiting_events: 4 }) });
    render(SyncIndicator);
    expect((await screen.findByTestId("sync-state")).textContent?.trim()).toBe("Chưa kết nối máy chủ");
    expect(screen.queryByTestId("sync-now")).toBeNull();
  });

  it("syncs at once when the system reports the network back, not when not enrolled", async () => {
    let asked = 0;
    fakeBackend({
      sync_status: () => ({ state: "offline", waiting_events: 3 }),
      sync_now: () => {
        asked += 1;
        return { state: "online", waiting_events: 0 };
      },
    });
    render(SyncIndicator);
    await screen.findByTestId("sync-state");
    window.dispatchEvent(new Event("online"));
    await waitFor(() => expect(screen.getByTestId("sync-state").dataset.state).toBe("online"));
    expect(asked).toBe(1);
    cleanup();

    let askedUnenrolled = 0;
    fakeBackend({
      sync_status: () => ({ state: "not_enrolled", waiting_events: 3 }),
      sync_now: () => {
        askedUnenrolled += 1;
        return { state: "not_enrolled", waiting_events: 3 };
      },
    });
    render(SyncIndicator);
    await screen.findByTestId("sync-state");
    window.dispatchEvent(new Event("online"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(askedUnenrolled).toBe(0);
  });

  it("says when the server held changes back for a person to resolve", async () => {
    fakeBackend({ sync_status: () => ({ state: "online", waiting_events: 0 }) });
    render(SyncIndicator);
    await screen.findByTestId("sync-state");
    expect(screen.queryByTestId("sync-quarantined")).toBeNull();
    await emit("sync-status", { state: "online", waiting_events: 0, quarantined_events: 2 });
    const alert = await screen.findByTestId("sync-quarantined");
    expect(alert.textContent).toContain("Máy chủ giữ lại 2 thay đổi");
    expect(alert.getAttribute("role")).toBe("alert");
  });
});
