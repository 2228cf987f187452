import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import DossierDetail from "./DossierDetail.svelte";
import { dossier, fakeBackend } from "../../test/backend";
import type { Dossier } from "../api";

afterEach(() => {
  cleanup();
  clearMocks();
});

const CODE = "H15.50.05.13-261125-0001";

function core(current: Dossier, transition: (args: Record<string, unknown>) => unknown = () => current) {
  return fakeBackend({
    dossier_detail: () => ({
      dossier: current,
      events: [
        { seq: 1, kind: "received", at: "2026-11-25T09:15:00+07:00", summary: "Tiếp nhận hồ sơ", clerk: "Lê Văn Một" },
        { seq: 2, kind: "started", at: "2026-11-25T10:00:00+07:00", summary: "Chuyển xử lý" },
      ],
      printable: ["slip", "control"],
    }),
    transition,
    print_document: () => ({ path: "/tmp/x.pdf" }),
  });
}

describe("Dossier detail", () => {
  it("shows the history and one button per allowed action, no more", async () => {
    core(dossier({ allowed_actions: ["result_ready", "extend"] }));
    render(DossierDetail, { code: CODE, onBack: () => {} });

    const history = await screen.findByTestId("detail-history");
    expect(history.textContent).toContain("Tiếp nhận hồ sơ");
    expect(history.textContent).toContain("bởi Lê Văn Một");
    expect(screen.getByTestId("detail-action-result_ready").textContent).toBe("Đã có kết quả");
    expect(screen.getByTestId("detail-action-extend")).toBeTruthy();
    expect(screen.queryByTestId("detail-action-refuse")).toBeNull();
    expect(screen.queryByTestId("detail-action-return")).toBeNull();
  });

  it("runs a step that needs no reason straight away", async () => {
    const backend = core(dossier({ allowed_actions: ["start_processing"] }));
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {} });
    await user.click(await screen.findByTestId("detail-action-start_processing"));
    await waitFor(() => expect(backend.argsOf("transition")).toEqual([{ code: CODE, action: { action: "start_processing" } }]));
    expect((await screen.findByTestId("detail-note")).textContent).toBe("Đã cập nhật hồ sơ: Chuyển xử lý.");
  });

  it("records the clerk chosen in the header as the one who acted", async () => {
    const backend = core(dossier({ allowed_actions: ["start_processing"] }));
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {}, clerkId: "clerk-2" });
    await user.click(await screen.findByTestId("detail-action-start_processing"));
    await waitFor(() =>
      expect(backend.argsOf("transition")).toEqual([
        { code: CODE, action: { action: "start_processing" }, clerk_id: "clerk-2" },
      ]),
    );
  });

  it("asks a reason before refusing, and will not send an empty one", async () => {
    const backend = core(dossier());
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {} });
    await user.click(await screen.findByTestId("detail-action-refuse"));

    const reason = screen.getByTestId("dialog-refuse-reason");
    expect(document.activeElement).toBe(reason);
    await user.click(screen.getByTestId("dialog-refuse-confirm"));
    expect(screen.getByTestId("dialog-refuse").textContent).toContain("Vui lòng nhập lý do.");
    expect(backend.argsOf("transition")).toHaveLength(0);

    await user.type(reason, "Không thuộc thẩm quyền của xã");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() =>
      expect(backend.argsOf("transition")).toEqual([
        { code: CODE, action: { action: "refuse", reason: "Không thuộc thẩm quyền của xã" } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("dialog-refuse")).toBeNull());
  });

  it("extension: says it is allowed once (NĐ 118 art. 19.6), sends reason and new date in +07:00", async () => {
    const backend = core(dossier({ allowed_actions: ["extend"] }));
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {} });
    await user.click(await screen.findByTestId("detail-action-extend"));

    const dialog = screen.getByTestId("dialog-extend");
    expect(dialog.textContent).toContain("Chỉ được gia hạn một lần (Điều 19.6 NĐ 118)");
    expect(dialog.textContent).toContain("hạn gửi: 09:15 ngày 27/11/2026");
    await user.type(screen.getByTestId("dialog-extend-reason"), "Chờ xác minh của cơ quan khác");
    const date = screen.getByTestId("dialog-extend-date") as HTMLInputElement;
    await user.type(date, "2026-12-02T16:00");
    await user.click(screen.getByTestId("dialog-extend-confirm"));

    await waitFor(() =>
      expect(backend.argsOf("transition")).toEqual([
        {
          code: CODE,
          action: { action: "extend", reason: "Chờ xác minh của cơ quan khác", new_due_at: "2026-12-02T16:00:00+07:00" },
        },
      ]),
    );
  });

  it("a second extension is refused with the Vietnamese reason, inside the dialog", async () => {
    core(dossier({ allowed_actions: ["extend"] }), () => {
      throw { code: "already_extended", message: "already extended" };
    });
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {} });
    await user.click(await screen.findByTestId("detail-action-extend"));
    await user.type(screen.getByTestId("dialog-extend-reason"), "Lý do");
    await user.type(screen.getByTestId("dialog-extend-date"), "2026-12-02T16:00");
    await user.click(screen.getByTestId("dialog-extend-confirm"));

    await waitFor(() =>
      expect(screen.getByTestId("dialog-extend").textContent).toContain(
        "Hồ sơ đã được gia hạn một lần. Theo Điều 19.6 NĐ 118, ngày hẹn chỉ được điều chỉnh một lần.",
      ),
    );
  });

  it("Escape closes the dialog first, then leaves the dossier", async () => {
    core(dossier());
    const onBack = vi.fn();
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack });
    await user.click(await screen.findByTestId("detail-action-stop"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("dialog-stop")).toBeNull();
    // Focus goes back to the button that opened the dialog, so the keyboard flow continues.
    expect(document.activeElement).toBe(screen.getByTestId("detail-action-stop"));
    expect(onBack).not.toHaveBeenCalled();
    await user.keyboard("{Escape}");
    expect(onBack).toHaveBeenCalledOnce();
  });

  it("prints the forms the core lists as printable", async () => {
    const backend = core(dossier());
    const user = userEvent.setup();
    render(DossierDetail, { code: CODE, onBack: () => {} });
    await user.click(await screen.findByTestId("detail-print-control"));
    expect(backend.argsOf("print_document")).toEqual([{ kind: "control", code: CODE }]);
    expect((await screen.findByTestId("detail-note")).textContent).toBe(
      "Đã gửi lệnh in: Phiếu kiểm soát quá trình giải quyết.",
    );
    expect(screen.queryByTestId("detail-print-apology")).toBeNull();
  });
});
