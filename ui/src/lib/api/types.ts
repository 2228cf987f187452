// The IPC contract between the counter UI and the Rust core. The payload types are generated
// from the Rust types themselves (ts-rs; `make ui-types` writes ./generated, not committed), so
// a shape changed in Rust fails `npm run check` wherever the UI no longer fits. This file gives
// them the UI's names and adds the few types that exist only on this side.
// Instants are RFC 3339 strings with their offset (+07:00).

import type { Action } from "./generated/Action";
import type { AppError } from "./generated/AppError";
import type { DeskSettings } from "./generated/DeskSettings";
import type { ErrorCode } from "./generated/ErrorCode";
import type { SyncStatus } from "./generated/SyncStatus";

export type { About as AppInfo } from "./generated/About";
export type { ClerkSummary as Clerk } from "./generated/ClerkSummary";
export type { SetupStatus } from "./generated/SetupStatus";
export type { ClerkInput } from "./generated/ClerkInput";
export type { SetupInput } from "./generated/SetupInput";
export type { DocumentForm } from "./generated/DocumentForm";
export type { RequiredDocument as CatalogueDocument } from "./generated/RequiredDocument";
export type { ProcedureSummary } from "./generated/ProcedureSummary";
export type { DuePreview } from "./generated/DuePreview";
export type { CitizenField } from "./generated/CitizenField";
export type { FieldIssue as FieldProblem } from "./generated/FieldIssue";
export type { Citizen } from "./generated/Citizen";
export type { Channel } from "./generated/Channel";
export type { ReceivedDocument } from "./generated/ReceivedDocument";
export type { IntakeInput } from "./generated/IntakeInput";
export type { DossierStatus } from "./generated/DossierStatus";
export type { Timeliness } from "./generated/Timeliness";
export type { DossierView as Dossier } from "./generated/DossierView";
export type { Board } from "./generated/Board";
export type { HistoryLine as DossierEvent } from "./generated/HistoryLine";
export type { PrintKind } from "./generated/PrintKind";
export type { DossierDetail } from "./generated/DossierDetail";
export type { PrintedFile as PrintResult } from "./generated/PrintedFile";
export type { TapInput } from "./generated/TapInput";
export type { TapRecorded } from "./generated/TapRecorded";
export type { ProgressView as SyncProgress } from "./generated/ProgressView";
export type { SyncStatus } from "./generated/SyncStatus";
export type { PeriodText as WorkingHours } from "./generated/PeriodText";
export type { DeskSettings as Settings } from "./generated/DeskSettings";
export type { ErrorCode } from "./generated/ErrorCode";
export type { PeriodKind } from "./generated/PeriodKind";
export type { ReportQuery } from "./generated/ReportQuery";
export type { Indicators } from "./generated/Indicators";
export type { Report } from "./generated/Report";
export type { SeriesPoint } from "./generated/SeriesPoint";
export type { ReportFormat } from "./generated/ReportFormat";
export type { ExportedReport } from "./generated/ExportedReport";

/** A step with its arguments, as `transition` takes it (domain::dossier::Action). */
export type TransitionAction = Action;

/** The name of a step the clerk may take on a dossier. */
export type ActionKind = Action["action"];

/** A failure from the backend: `code` is stable, the UI turns it into a message. Usually an
 * `AppError` of the core; anything else (the IPC layer's own failures) arrives as `internal` or
 * with a code the UI does not know, which still gets a sentence. */
export type IpcError = Omit<AppError, "code"> & { code: ErrorCode | (string & Record<never, never>) };

/** Connection to the upstream server. */
export type SyncState = SyncStatus["state"];

/** Paper the printer is loaded with. */
export type PaperSize = DeskSettings["paper"];

/** Interface language. */
export type Language = DeskSettings["language"];

/** The three levels of the counter's satisfaction device. */
export type SatisfactionLevel = "very_satisfied" | "satisfied" | "dissatisfied";

/** Payload of the `dossier-changed` event (src-tauri). */
export interface DossierChanged {
  code: string;
}

/** Payload of the `serve-citizen` event (src-tauri): who was just served, by whom. */
export interface ServeCitizen {
  dossier_code?: string;
  clerk_id?: string;
}
