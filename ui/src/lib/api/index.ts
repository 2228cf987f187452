// The only module that talks to the Tauri backend. Components import from here, never from
// @tauri-apps/api, so tests can mock IPC in one place and a browser build could swap the backend.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppInfo,
  Board,
  CitizenField,
  ClerkInput,
  DossierChanged,
  DuePreview,
  ExportedReport,
  Report,
  ReportFormat,
  ReportQuery,
  SeriesPoint,
  Dossier,
  DossierDetail,
  FieldProblem,
  IntakeInput,
  IpcError,
  PrintKind,
  PrintResult,
  ProcedureSummary,
  ServeCitizen,
  Settings,
  SetupInput,
  SetupStatus,
  SyncStatus,
  TapInput,
  TapRecorded,
  TransitionAction,
} from "./types";

export type * from "./types";

/**
 * Turns whatever a rejected command carried into an `IpcError`. Commands reject with
 * `{code, message, field?}`; anything else (a thrown string, a missing backend) is `internal`.
 */
export function asIpcError(reason: unknown): IpcError {
  if (typeof reason === "object" && reason !== null && "code" in reason) {
    const r = reason as { code: unknown; message?: unknown; field?: unknown };
    if (typeof r.code === "string") {
      return {
        code: r.code,
        message: typeof r.message === "string" ? r.message : "",
        field: typeof r.field === "string" ? r.field : undefined,
      };
    }
  }
  return { code: "internal", message: String(reason) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw asIpcError(reason);
  }
}

/** Version and catalogue size. */
export function appInfo(): Promise<AppInfo> {
  return call("app_info");
}

/** Whether first-run setup is done. */
export function setupStatus(): Promise<SetupStatus> {
  return call("setup_status");
}

/** Saves first-run answers (and enrols with the server when an address is given). */
export function setup(input: SetupInput): Promise<SetupStatus> {
  return call("setup", { input });
}

/** Enrols the counter with the district server later (settings); starts the background sync. */
export function enroll(serverUrl: string, code: string): Promise<SetupStatus> {
  return call("enroll", { server_url: serverUrl, code });
}

/** Adds a clerk, or renames or retires one; answers the new clerk list. */
export function saveClerk(clerk: ClerkInput): Promise<SetupStatus> {
  return call("save_clerk", { clerk });
}

/** The report of a period (one implementation of the indicators, in the core). */
export function report(query: ReportQuery): Promise<Report> {
  return call("report", { query });
}

/** On-time and satisfaction rates of the last `months` months, oldest first. */
export function reportSeries(months: number, cutoffDay: number): Promise<SeriesPoint[]> {
  return call("report_series", { months, cutoff_day: cutoffDay });
}

/** Saves the report in `format` under the data folder and opens it with the system. */
export function exportReport(query: ReportQuery, format: ReportFormat): Promise<ExportedReport> {
  return call("export_report", { query, format });
}

/** Catalogue search; the core ignores accents and case. An empty query lists all. */
export function listProcedures(query: string): Promise<ProcedureSummary[]> {
  return call("list_procedures", { query });
}

/**
 * The due date a dossier of `procedure` would get if received now. The contract's optional
 * `received_at` is not sent: the counter always previews "now", and Tauri would expect the
 * multi-word argument in camelCase, which the contract does not settle.
 */
export function previewDue(procedure: string): Promise<DuePreview> {
  return call("preview_due", { procedure });
}

/** Checks one citizen field; `null` when it is fine. */
export function validateField(field: CitizenField, value: string): Promise<FieldProblem | null> {
  return call("validate_field", { field, value });
}

/** Receives a dossier and issues its code. */
export function intake(input: IntakeInput): Promise<Dossier> {
  return call("intake", { input });
}

/** Today's board. */
export function board(): Promise<Board> {
  return call("board");
}

/** A dossier with its history and printable forms. */
export function dossierDetail(code: string): Promise<DossierDetail> {
  return call("dossier_detail", { code });
}

/** Takes one step on a dossier. */
export function transition(code: string, action: TransitionAction, clerkId?: string): Promise<Dossier> {
  return call("transition", clerkId ? { code, action, clerk_id: clerkId } : { code, action });
}

/** Finds dossiers by code, identification number, phone or unaccented name prefix. */
export function search(text: string): Promise<Dossier[]> {
  return call("search", { text });
}

/** Renders a form to PDF and hands it to the OS print route. */
export function printDocument(kind: PrintKind, code: string): Promise<PrintResult> {
  return call("print_document", { kind, code });
}

/** Records one press on the satisfaction device. */
export function recordTap(input: TapInput): Promise<TapRecorded> {
  return call("record_tap", { input });
}

/** Current sync state. */
export function syncStatus(): Promise<SyncStatus> {
  return call("sync_status");
}

/** Asks the core to sync now. */
export function syncNow(): Promise<SyncStatus> {
  return call("sync_now");
}

/** The counter's settings. */
export function settings(): Promise<Settings> {
  return call("settings");
}

/** Saves the counter's settings. */
export function saveSettings(value: Settings): Promise<Settings> {
  return call("save_settings", { settings: value });
}

function subscribe<T>(event: string, handler: (payload: T) => void): () => void {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  listen<T>(event, (e) => handler(e.payload))
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    // Outside Tauri (plain browser preview) there is no event bus; the screens still work.
    .catch(() => undefined);
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Calls `handler` whenever the sync state changes. Returns the function that stops listening. */
export function onSyncStatus(handler: (status: SyncStatus) => void): () => void {
  return subscribe("sync-status", handler);
}

/** Calls `handler` whenever a dossier changes (on this counter or by sync). */
export function onDossierChanged(handler: (change: DossierChanged) => void): () => void {
  return subscribe("dossier-changed", handler);
}

/** The satisfaction window's cue that a citizen was just served. */
export function onServeCitizen(handler: (who: ServeCitizen) => void): () => void {
  return subscribe("serve-citizen", handler);
}
