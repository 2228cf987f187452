import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { tick } from "svelte";
import Satisfaction from "./Satisfaction.svelte";
import { fakeBackend } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tapCore() {
  let n = 0;
  return fakeBackend({ record_tap: () => ({ id: `tap-${++n}` }) });
}

describe("Satisfaction window (NĐ 118 art. 31, 33)", () => {
  it("shows three large buttons, each a drawn face plus the word", () => {
    tapCore();
    render(Satisfaction, {});
    for (const [level, word] of [
      ["very_satisfied", "Rất hài lòng"],
      ["satisfied", "Hài lòng"],
      ["dissatisfied", "Không hài lòng"],
    ]) {
      const button = screen.getByTestId(`tap-${level}`);
      expect(button.textContent?.trim()).toBe(word);
      expect(button.querySelector(`svg[data-face="${level}"]`)).not.toBeNull();
      expect(screen.getByRole("button", { name: word })).toBe(button);
    }
  });

  it("a double press records ONE tap", async () => {
    const core = tapCore();
    render(Satisfaction, { settleMs: 0 });
    // Two presses inside one task, as a shaky finger delivers them: no re-render in between.
    const level = screen.getByTestId("tap-satisfied");
    level.click();
    level.click();
    const send = await screen.findByTestId("tap-send");
    send.click();
    send.click();
    await screen.findByTestId("tap-thanks");
    await sleep(20);
    expect(core.argsOf("record_tap")).toEqual([{ input: { level: "satisfied", criteria: [] } }]);
  });

  it("the second half of a double press on a level does not land on the criteria screen", async () => {
    const core = tapCore();
    render(Satisfaction, { settleMs: 150 });
    await fireEvent.click(screen.getByTestId("tap-very_satisfied"));
    await tick();
    // Presses within the settle time after the screen changed are ignored.
    await fireEvent.click(screen.getByTestId("tap-criterion-staff_attitude"));
    await fireEvent.click(screen.getByTestId("tap-send"));
    expect(screen.getByTestId("tap-criterion-staff_attitude").getAttribute("aria-pressed")).toBe("false");
    expect(core.argsOf("record_tap")).toHaveLength(0);

    await sleep(200);
    await fireEvent.click(screen.getByTestId("tap-criterion-staff_attitude"));
    await fireEvent.click(screen.getByTestId("tap-criterion-return_time"));
    expect(screen.getByTestId("tap-criterion-staff_attitude").getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(screen.getByTestId("tap-send"));
    await waitFor(() =>
      expect(core.argsOf("record_tap")).toEqual([
        { input: { level: "very_satisfied", criteria: ["staff_attitude", "return_time"] } },
      ]),
    );
  });

  it("links the tap to the dossier and clerk just served, once only", async () => {
    const core = tapCore();
    render(Satisfaction, { settleMs: 0, thanksMs: 30 });
    await emit("serve-citizen", { dossier_code: "H15-0042", clerk_id: "c2" });
    expect((await screen.findByTestId("tap-dossier")).textContent).toBe("Hồ sơ H15-0042");

    await fireEvent.click(screen.getByTestId("tap-dissatisfied"));
    await fireEvent.click(await screen.findByTestId("tap-skip"));
    await screen.findByTestId("tap-thanks");
    // The thank-you returns to idle by itself.
    await screen.findByTestId("tap-very_satisfied", {}, { timeout: 1000 });

    await fireEvent.click(screen.getByTestId("tap-satisfied"));
    await fireEvent.click(await screen.findByTestId("tap-send"));
    await waitFor(() => expect(core.argsOf("record_tap")).toHaveLength(2));
    expect(core.argsOf("record_tap")).toEqual([
      { input: { level: "dissatisfied", criteria: [], dossier_code: "H15-0042", clerk_id: "c2" } },
      { input: { level: "satisfied", criteria: [] } },
    ]);
  });

  it("records the level if the citizen walks away on the criteria step", async () => {
    const core = tapCore();
    render(Satisfaction, { settleMs: 0, criteriaIdleMs: 50 });
    await fireEvent.click(screen.getByTestId("tap-satisfied"));
    await screen.findByTestId("tap-thanks", {}, { timeout: 1000 });
    expect(core.argsOf("record_tap")).toEqual([{ input: { level: "satisfied", criteria: [] } }]);
  });

  it("asks to press again, in Vietnamese, when the tap could not be stored", async () => {
    fakeBackend({
      record_tap: () => {
        throw { code: "internal", message: "disk full" };
      },
    });
    render(Satisfaction, { settleMs: 0 });
    await fireEvent.click(screen.getByTestId("tap-satisfied"));
    await fireEvent.click(await screen.findByTestId("tap-send"));
    expect((await screen.findByTestId("tap-failed")).textContent).toBe(
      "Chưa ghi nhận được đánh giá. Xin mời Ông/Bà bấm lại.",
    );
  });
});
