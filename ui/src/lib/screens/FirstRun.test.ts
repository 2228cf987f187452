import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import FirstRun from "./FirstRun.svelte";
import { fakeBackend } from "../../test/backend";

afterEach(() => {
  cleanup();
  clearMocks();
});

const DONE = { configured: true, commune_name: "Xã Thử Nghiệm", counter_name: "Quầy 1", clerks: [], enrolled: false };

async function fillCounter(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByTestId("setup-commune-code"), "99999");
  await user.type(screen.getByTestId("setup-commune-name"), "Xã Thử Nghiệm");
  await user.type(screen.getByTestId("setup-counter-name"), "Quầy 1");
  // Enter in the clerk field adds a clerk; it does not submit the form.
  await user.type(screen.getByTestId("setup-clerk-name"), "Lê Văn Một{Enter}");
  await user.type(screen.getByTestId("setup-clerk-name"), "Phạm Thị Hai{Enter}");
}

describe("First-run setup", () => {
  it("saves an offline counter with several clerks and no server", async () => {
    const core = fakeBackend({ setup: () => DONE });
    const onDone = vi.fn();
    const user = userEvent.setup();
    render(FirstRun, { onDone });
    expect(document.activeElement).toBe(screen.getByTestId("setup-commune-code"));

    await fillCounter(user);
    expect(screen.getByTestId("setup-clerk-list").textContent).toContain("Phạm Thị Hai");
    expect(core.argsOf("setup")).toHaveLength(0);
    await user.click(screen.getByTestId("setup-offline"));

    expect(core.argsOf("setup")).toEqual([
      {
        input: {
          commune_code: "99999",
          commune_name: "Xã Thử Nghiệm",
          counter_name: "Quầy 1",
          clerks: ["Lê Văn Một", "Phạm Thị Hai"],
        },
      },
    ]);
    expect(onDone).toHaveBeenCalledWith(DONE);
  });

  it("keeps the counter set up when enrolment fails, says why in Vietnamese, and lets the clerk go on offline", async () => {
    const refused = { ...DONE, enroll_error: { code: "enroll_failed", message: "401" } };
    const core = fakeBackend({ setup: () => refused });
    const onDone = vi.fn();
    const user = userEvent.setup();
    render(FirstRun, { onDone });
    await fillCounter(user);
    await user.type(screen.getByTestId("setup-server-url"), "https://tinh.example.vn");
    await user.type(screen.getByTestId("setup-enroll-code"), "SAI-MA{Enter}");

    const alert = await screen.findByTestId("setup-error");
    expect(alert.textContent).toContain("chưa đăng ký được với máy chủ");
    expect(alert.textContent).toContain("Kiểm tra địa chỉ và mã đăng ký");
    expect(onDone).not.toHaveBeenCalled();
    // No second set-up can be attempted: the counter exists; only going on is offered.
    expect(screen.queryByTestId("setup-save")).toBeNull();
    await user.type(screen.getByTestId("setup-enroll-code"), "{Enter}");
    expect(core.argsOf("setup")).toHaveLength(1);
    await user.click(screen.getByTestId("setup-continue-offline"));
    expect(onDone).toHaveBeenCalledWith(refused);
  });

  it("sends the server address and enrolment code when connecting", async () => {
    const core = fakeBackend({ setup: () => DONE });
    const user = userEvent.setup();
    render(FirstRun, { onDone: () => {} });
    await fillCounter(user);
    await user.type(screen.getByTestId("setup-server-url"), "https://tinh.example.vn");
    await user.type(screen.getByTestId("setup-enroll-code"), "ABC-123{Enter}");

    const input = core.argsOf("setup")[0].input as Record<string, unknown>;
    expect(input.server_url).toBe("https://tinh.example.vn");
    expect(input.enroll_code).toBe("ABC-123");
  });

  it("asks for the missing fields in Vietnamese before calling the core", async () => {
    const core = fakeBackend({ setup: () => DONE });
    const user = userEvent.setup();
    render(FirstRun, { onDone: () => {} });
    await user.click(screen.getByTestId("setup-offline"));

    expect(core.argsOf("setup")).toHaveLength(0);
    expect(document.getElementById("setup-commune-code-error")?.textContent).toBe("Vui lòng nhập mã xã.");
    expect(document.getElementById("setup-clerks-error")?.textContent).toBe("Cần ít nhất một công chức.");
    expect(document.activeElement).toBe(screen.getByTestId("setup-commune-code"));
  });

  it("maps enroll_failed to a Vietnamese message and never shows the core's own text", async () => {
    fakeBackend({
      setup: () => {
        throw { code: "enroll_failed", message: "HTTP 403 from server" };
      },
    });
    const onDone = vi.fn();
    const user = userEvent.setup();
    render(FirstRun, { onDone });
    await fillCounter(user);
    await user.type(screen.getByTestId("setup-server-url"), "https://tinh.example.vn");
    await user.type(screen.getByTestId("setup-enroll-code"), "SAI");
    await user.click(screen.getByTestId("setup-save"));

    const alert = await screen.findByTestId("setup-error");
    expect(alert.textContent).toBe(
      "Không đăng ký được với máy chủ. Kiểm tra địa chỉ và mã đăng ký, hoặc chọn làm việc ngoại tuyến.",
    );
    expect(document.body.textContent).not.toContain("HTTP 403");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("puts a validation error from the core beside the field it names", async () => {
    fakeBackend({
      setup: () => {
        throw { code: "validation", message: "commune code must be 5 digits", field: "commune_code" };
      },
    });
    const user = userEvent.setup();
    render(FirstRun, { onDone: () => {} });
    await fillCounter(user);
    await user.click(screen.getByTestId("setup-offline"));

    await screen.findByTestId("setup-error");
    expect(document.getElementById("setup-commune-code-error")?.textContent).toBe("Thông tin chưa hợp lệ: mã xã.");
    expect(screen.getByTestId("setup-commune-code").getAttribute("aria-invalid")).toBe("true");
  });
});
