// A fake core for component tests: answers IPC commands from per-test handlers and records every
// call, so tests can assert what the UI sent. Events are mocked too (`emit` reaches `listen`).
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Dossier, ProcedureSummary } from "../lib/api";

type Handler = (args: Record<string, unknown>) => unknown;

export interface FakeBackend {
  /** Every command the UI invoked, in order (event-plugin traffic excluded). */
  calls: { cmd: string; args: Record<string, unknown> }[];
  /** The arguments of each call to `cmd`. */
  argsOf(cmd: string): Record<string, unknown>[];
}

export function fakeBackend(handlers: Record<string, Handler>): FakeBackend {
  const calls: FakeBackend["calls"] = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw { code: "internal", message: `no fake for ${cmd}` };
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return { calls, argsOf: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

/** Lower-case without Vietnamese diacritics, as the core's catalogue search compares names. */
export function unaccent(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

/** A small catalogue; "khai sinh" is deliberately not first, so picking it proves the search ran. */
export const CATALOGUE: ProcedureSummary[] = [
  {
    code: "1.001193",
    name: "Đăng ký kết hôn",
    field: "Hộ tịch",
    processing_time_text: "Trong ngày",
    fee_text: "Miễn lệ phí",
    documents: [{ name: "Tờ khai đăng ký kết hôn", form: "original", count: 1, optional: false }],
  },
  {
    code: "1.000656",
    name: "Đăng ký khai tử",
    field: "Hộ tịch",
    processing_time_text: "Trong ngày",
    fee_text: "Miễn lệ phí",
    documents: [{ name: "Tờ khai đăng ký khai tử", form: "original", count: 1, optional: false }],
  },
  {
    code: "1.001022",
    name: "Đăng ký khai sinh",
    field: "Hộ tịch",
    processing_time_text: "3 ngày làm việc",
    fee_text: "Miễn lệ phí",
    documents: [
      { name: "Tờ khai đăng ký khai sinh", form: "original", count: 1, optional: false },
      { name: "Giấy chứng sinh", form: "original", count: 1, optional: false },
      { name: "Văn bản ủy quyền", form: "certified_copy", count: 1, optional: true },
    ],
  },
];

/** Server-side search as the contract describes it: unaccented, case-insensitive substring. */
export function searchCatalogue(query: string): ProcedureSummary[] {
  const q = unaccent(query.trim());
  return CATALOGUE.filter((p) => unaccent(p.name).includes(q));
}

/** A dossier of an invented citizen; override what the test cares about. */
export function dossier(overrides: Partial<Dossier> = {}): Dossier {
  return {
    code: "H15.50.05.13-261125-0001",
    procedure_code: "1.001022",
    procedure_name: "Đăng ký khai sinh",
    citizen: { name: "Nguyễn Thị Thử", phone: "0912000111" },
    channel: "counter",
    documents: [{ name: "Tờ khai đăng ký khai sinh", form: "original", count: 1 }],
    received_at: "2026-11-25T09:15:00+07:00",
    due_at: "2026-11-28T09:15:00+07:00",
    status: "received",
    extended: false,
    supplement_count: 0,
    clerk_id: "clerk-1",
    apology_deadline: "2026-11-27T09:15:00+07:00",
    allowed_actions: ["start_processing", "request_supplement", "refuse", "stop"],
    ...overrides,
  };
}
