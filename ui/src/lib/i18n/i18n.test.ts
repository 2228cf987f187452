import { afterEach, describe, expect, it } from "vitest";
import { en } from "./en";
import { errorText, formatInstant, problemText, setLanguage, t } from "./index.svelte";
import { vi } from "./vi";

afterEach(() => setLanguage("vi"));

describe("messages", () => {
  it("every Vietnamese message has an English twin and vice versa", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it("English and Vietnamese use the same placeholders", () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) expect(holes(en[key]), key).toEqual(holes(vi[key]));
  });
});

describe("error codes map to Vietnamese, by code only", () => {
  const cases: [string, string][] = [
    ["enroll_failed", "Không đăng ký được với máy chủ. Kiểm tra địa chỉ và mã đăng ký, hoặc chọn làm việc ngoại tuyến."],
    ["illegal_transition", "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."],
    ["already_extended", "Hồ sơ đã được gia hạn một lần. Theo Điều 19.6 NĐ 118, ngày hẹn chỉ được điều chỉnh một lần."],
    ["extension_not_later", "Ngày hẹn mới phải sau ngày hẹn hiện tại."],
    ["validation", "Thông tin chưa hợp lệ."],
    ["not_found", "Không tìm thấy hồ sơ hoặc dữ liệu được yêu cầu."],
    ["internal", "Đã xảy ra lỗi trong ứng dụng. Vui lòng thử lại."],
  ];
  for (const [code, text] of cases) {
    it(code, () => {
      // The English message from the core must never reach the clerk.
      expect(errorText({ code, message: "English detail for logs" })).toBe(text);
    });
  }

  it("names the field of a validation error", () => {
    expect(errorText({ code: "validation", message: "x", field: "new_due_at" })).toBe(
      "Thông tin chưa hợp lệ: ngày hẹn mới.",
    );
  });

  it("an unknown code still gives a Vietnamese sentence with the code, not the message", () => {
    const text = errorText({ code: "cosmic_ray", message: "No space left on device" });
    expect(text).toBe("Đã xảy ra lỗi (mã cosmic_ray).");
  });

  it("a full disk says that nothing was written", () => {
    expect(errorText({ code: "disk_full", message: "No space left on device" })).toContain("chưa có gì được ghi");
  });

  it("switches to English on request", () => {
    setLanguage("en");
    expect(errorText({ code: "extension_not_later", message: "" })).toBe("The new due date must be after the current one.");
    expect(t("nav.intake")).toBe("Intake");
  });
});

describe("field problems", () => {
  it("generic codes have generic text; other codes explain the field's rule", () => {
    expect(problemText({ code: "required", field: "name" })).toBe("Bắt buộc nhập.");
    expect(problemText({ code: "name_too_long", field: "name" })).toBe("Quá dài.");
    expect(problemText({ code: "invalid_phone", field: "phone" })).toBe(
      "Số điện thoại chưa đúng: 10 chữ số, bắt đầu bằng số 0.",
    );
    expect(problemText({ code: "bad_checksum", field: "id_number" })).toBe("Số định danh cá nhân gồm đúng 12 chữ số.");
  });
});

describe("instants", () => {
  it("prints Vietnam wall-clock time from the +07:00 string, whatever the PC's time zone", () => {
    expect(formatInstant("2026-11-25T16:30:00+07:00")).toBe("16:30 ngày 25/11/2026");
    expect(formatInstant("2027-01-01T00:05:00+07:00")).toBe("00:05 ngày 01/01/2027");
    // A dossier whose clock is stopped has no due date (the core sends null).
    expect(formatInstant(null)).toBe("—");
  });
});
