import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import Board from "./Board.svelte";
import { dossier, fakeBackend } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

const BOARD = {
  due_today: [dossier({ code: "A-0001", due_at: "2026-11-25T16:30:00+07:00" })],
  due_soon: [dossier({ code: "A-0002" }), dossier({ code: "A-0003" })],
  overdue: [dossier({ code: "A-0004", citizen: { name: "Đỗ Văn Quá" } })],
  apology_due: [dossier({ code: "A-0005", apology_deadline: "2026-11-26T08:00:00+07:00" })],
};

describe("Today's board", () => {
  it("marks every group with words and an icon, not colour alone", async () => {
    fakeBackend({ board: () => BOARD });
    render(Board, { onOpen: () => {} });

    const expectations: [string, string, number][] = [
      ["board-overdue", "Quá hạn", 1],
      ["board-apology_due", "Cần gửi văn bản xin lỗi ngay", 1],
      ["board-due_today", "Đến hạn trả hôm nay", 1],
      ["board-due_soon", "Sắp đến hạn", 2],
    ];
    for (const [testid, words, count] of expectations) {
      const section = await screen.findByTestId(testid);
      expect(within(section).getByRole("heading").textContent).toContain(words);
      expect(section.querySelector("h3 svg[data-icon]")).not.toBeNull();
      const rows = within(section).getAllByTestId("board-row");
      expect(rows).toHaveLength(count);
      // Each row repeats the marking in words, so a row read alone still says why it is listed.
      for (const row of rows) expect(within(row).getByTestId("board-row-mark").textContent).toContain(words);
    }
    // Distinct icons per group.
    const icons = ["board-overdue", "board-apology_due", "board-due_today", "board-due_soon"].map(
      (id) => screen.getByTestId(id).querySelector("h3 svg")?.getAttribute("data-icon"),
    );
    expect(new Set(icons).size).toBe(4);
  });

  it("shows the apology deadline of NĐ 118 art. 19.6 on dossiers needing an apology", async () => {
    fakeBackend({ board: () => BOARD });
    render(Board, { onOpen: () => {} });
    const section = await screen.findByTestId("board-apology_due");
    expect(section.textContent).toContain("Gửi xin lỗi trước 08:00 ngày 26/11/2026");
    expect(section.textContent).toContain("chậm nhất 1 ngày trước ngày hẹn (Điều 19.6 NĐ 118)");
  });

  it("opens a dossier from its row and reloads when a dossier changes", async () => {
    let calls = 0;
    fakeBackend({
      board: () => {
        calls++;
        return calls === 1 ? BOARD : { ...BOARD, overdue: [] };
      },
    });
    const onOpen = vi.fn();
    const user = userEvent.setup();
    render(Board, { onOpen });
    const overdue = await screen.findByTestId("board-overdue");
    await user.click(within(overdue).getByTestId("board-row"));
    expect(onOpen).toHaveBeenCalledWith("A-0004");

    await emit("dossier-changed", { code: "A-0004" });
    await waitFor(() => expect(within(screen.getByTestId("board-overdue")).queryAllByTestId("board-row")).toHaveLength(0));
    expect(screen.getByTestId("board-overdue-count").textContent).toBe("0 hồ sơ");
  });
});
