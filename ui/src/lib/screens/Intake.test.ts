import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import Intake from "./Intake.svelte";
import { dossier, fakeBackend, searchCatalogue } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

/** A phone is 10 digits starting with 0 (the domain's rule; the fake core applies it). */
function checkField(args: Record<string, unknown>) {
  if (args.field === "phone" && !/^0\d{9}$/.test(String(args.value))) return { code: "phone_invalid", field: "phone" };
  return null;
}

function backend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return fakeBackend({
    list_procedures: (args) => searchCatalogue(String(args.query)),
    preview_due: () => ({ due_at: "2026-11-30T10:00:00+07:00", processing_time_text: "3 ngày làm việc" }),
    validate_field: checkField,
    intake: (args) => {
      const input = args.input as { procedure: string };
      return dossier({ code: "H15.50.05.13-261125-0042", procedure_code: input.procedure, due_at: "2026-11-30T10:00:00+07:00" });
    },
    print_document: () => ({ path: "/tmp/slip.pdf" }),
    ...extra,
  });
}

async function pickBirthRegistration(user: ReturnType<typeof userEvent.setup>) {
  const search = await screen.findByTestId("intake-procedure-search");
  await user.type(search, "khai sinh");
  await waitFor(() => expect(screen.getAllByTestId("intake-procedure-option")).toHaveLength(1));
  await user.keyboard("{Enter}");
  await screen.findByTestId("intake-documents");
}

describe("Intake screen", () => {
  it("finds a procedure typed without accents and shows its checklist and due date (Enter picks, does not save)", async () => {
    const core = backend();
    const user = userEvent.setup();
    render(Intake, { clerkId: "clerk-1" });

    await pickBirthRegistration(user);

    const queries = core.argsOf("list_procedures");
    expect(queries[queries.length - 1]).toEqual({ query: "khai sinh" });
    expect(screen.getByTestId("intake-procedure-chosen").textContent).toContain("Đăng ký khai sinh");
    const checklist = screen.getByTestId("intake-documents");
    expect(checklist.textContent).toContain("Tờ khai đăng ký khai sinh");
    expect(checklist.textContent).toContain("Giấy chứng sinh");
    // Required documents start ticked, optional ones do not; forms come from the catalogue.
    expect((screen.getByTestId("intake-doc-0") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("intake-doc-2") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByTestId("intake-doc-form-2") as HTMLSelectElement).value).toBe("certified_copy");
    await waitFor(() => expect(screen.getByTestId("intake-due").textContent).toContain("10:00 ngày 30/11/2026"));
    expect(core.argsOf("preview_due")).toEqual([{ procedure: "1.001022" }]);
    // Focus moved on to the citizen's name, and nothing was saved by that Enter.
    expect(document.activeElement).toBe(screen.getByTestId("intake-citizen-name"));
    expect(core.argsOf("intake")).toHaveLength(0);
  });

  it("arrow keys move the highlight through the catalogue before Enter picks", async () => {
    backend();
    const user = userEvent.setup();
    render(Intake, {});
    const search = await screen.findByTestId("intake-procedure-search");
    await waitFor(() => expect(screen.getAllByTestId("intake-procedure-option")).toHaveLength(3));
    search.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(search.getAttribute("aria-activedescendant")).toBe("intake-procedure-2");
    await user.keyboard("{Enter}");
    expect((await screen.findByTestId("intake-procedure-chosen")).textContent).toContain("Đăng ký khai sinh");
  });

  it("shows the Vietnamese message beside a bad phone, linked by aria-describedby", async () => {
    backend();
    const user = userEvent.setup();
    render(Intake, {});
    await pickBirthRegistration(user);

    const phone = screen.getByTestId("intake-citizen-phone");
    await user.type(phone, "12345");
    const message = "Số điện thoại chưa đúng: 10 chữ số, bắt đầu bằng số 0.";
    await waitFor(() => expect(screen.getByTestId("intake-citizen-phone-error").textContent?.trim()).toBe(message));
    expect(phone.getAttribute("aria-invalid")).toBe("true");
    const describedBy = phone.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy)?.textContent?.trim()).toBe(message);

    await user.clear(phone);
    await user.type(phone, "0912345678");
    await waitFor(() => expect(screen.getByTestId("intake-citizen-phone-error").textContent?.trim()).toBe(""));
    expect(phone.getAttribute("aria-invalid")).toBeNull();
  });

  it("Enter saves the dossier, prints the slip at once and resets for the next citizen", async () => {
    const core = backend();
    const user = userEvent.setup();
    render(Intake, { clerkId: "clerk-1" });
    await pickBirthRegistration(user);

    await user.keyboard("Trần Văn Mẫu");
    await user.type(screen.getByTestId("intake-citizen-phone"), "0912345678");
    await user.click(screen.getByTestId("intake-channel-post"));
    await user.click(screen.getByTestId("intake-citizen-name"));
    await user.keyboard("{Enter}");

    expect((await screen.findByTestId("intake-result-code")).textContent).toBe("H15.50.05.13-261125-0042");
    expect(screen.getByTestId("intake-result-due").textContent).toBe("10:00 ngày 30/11/2026");
    expect(core.argsOf("intake")).toEqual([
      {
        input: {
          procedure: "1.001022",
          citizen: { name: "Trần Văn Mẫu", phone: "0912345678" },
          channel: "post",
          documents: [
            { name: "Tờ khai đăng ký khai sinh", form: "original", count: 1 },
            { name: "Giấy chứng sinh", form: "original", count: 1 },
          ],
          clerk_id: "clerk-1",
        },
      },
    ]);
    await waitFor(() =>
      expect(core.argsOf("print_document")).toEqual([{ kind: "slip", code: "H15.50.05.13-261125-0042" }]),
    );
    expect((await screen.findByTestId("intake-print-note")).textContent).toContain("Đã gửi lệnh in");

    // Ready for the next citizen: empty search focused, citizen fields cleared.
    const search = screen.getByTestId("intake-procedure-search") as HTMLInputElement;
    expect(search.value).toBe("");
    expect(document.activeElement).toBe(search);
    expect(screen.queryByTestId("intake-documents")).toBeNull();
  });

  it("does not save while a field is invalid, and says why", async () => {
    const core = backend();
    const user = userEvent.setup();
    render(Intake, {});
    await pickBirthRegistration(user);
    await user.keyboard("Trần Văn Mẫu");
    await user.type(screen.getByTestId("intake-citizen-phone"), "999{Enter}");

    expect((await screen.findByTestId("intake-error")).textContent).toBe("Vui lòng sửa các trường được đánh dấu.");
    expect(core.argsOf("intake")).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByTestId("intake-citizen-phone"));
  });

  it("refuses to receive a dossier missing a required document (NĐ 118 art. 17)", async () => {
    const core = backend();
    const user = userEvent.setup();
    render(Intake, {});
    await pickBirthRegistration(user);
    await user.keyboard("Trần Văn Mẫu");
    await user.click(screen.getByTestId("intake-doc-1"));
    await user.click(screen.getByTestId("intake-citizen-name"));
    await user.keyboard("{Enter}");

    expect((await screen.findByTestId("intake-error")).textContent).toContain("Giấy chứng sinh");
    expect(core.argsOf("intake")).toHaveLength(0);
  });

  it("keeps the dossier and explains in Vietnamese when the slip fails to print", async () => {
    backend({
      print_document: () => {
        throw { code: "print_failed", message: "lp exited 1" };
      },
    });
    const user = userEvent.setup();
    render(Intake, {});
    await pickBirthRegistration(user);
    await user.keyboard("Trần Văn Mẫu{Enter}");

    const note = await screen.findByTestId("intake-print-note");
    expect(note.textContent).toContain("Không in được. Kiểm tra máy in rồi thử lại.");
    expect(note.textContent).not.toContain("lp exited");
    expect(screen.getByTestId("intake-result-code").textContent).toBe("H15.50.05.13-261125-0042");
  });

  it("puts a validation error from intake beside the field the core names", async () => {
    backend({
      intake: () => {
        throw { code: "validation", message: "id number checksum", field: "id_number" };
      },
    });
    const user = userEvent.setup();
    render(Intake, {});
    await pickBirthRegistration(user);
    await user.keyboard("Trần Văn Mẫu");
    await user.type(screen.getByTestId("intake-citizen-id_number"), "001099000123{Enter}");

    await waitFor(() =>
      expect(screen.getByTestId("intake-citizen-id_number-error").textContent?.trim()).toBe(
        "Thông tin chưa hợp lệ: Số định danh cá nhân.",
      ),
    );
    expect(document.activeElement).toBe(screen.getByTestId("intake-citizen-id_number"));
    expect(screen.queryByTestId("intake-result")).toBeNull();
  });
});
