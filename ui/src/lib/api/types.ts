// The IPC contract between the counter UI and the Rust core, written by hand from the lead's
// brief. Names match the contract exactly so generated bindings can replace this file later.
// Instants are RFC 3339 strings with the +07:00 offset.

/** What the backend says about itself. */
export interface AppInfo {
  version: string;
  procedures: number;
}

/** A clerk who works at this counter. */
export interface Clerk {
  id: string;
  name: string;
}

/** Whether first-run setup is done, and for which commune and counter. */
export interface SetupStatus {
  configured: boolean;
  commune_name?: string;
  counter_name?: string;
  clerks: Clerk[];
  /** Whether the counter holds a credential of the district server. */
  enrolled: boolean;
  /** Why enrolling during set-up failed; the counter is set up and works offline. */
  enroll_error?: IpcError;
}

/** A clerk to add (no `id`), rename or retire (`active: false`) from the settings. */
export interface ClerkInput {
  id?: string;
  name: string;
  active: boolean;
}

/** First-run answers. Without `server_url` the counter works offline for now. */
export interface SetupInput {
  commune_code: string;
  commune_name: string;
  counter_name: string;
  clerks: string[];
  server_url?: string;
  enroll_code?: string;
}

/** How a document must be handed in: bản chính, bản sao chứng thực or bản chụp (TT 03/2025 form 01). */
export type DocumentForm = "original" | "certified_copy" | "copy";

/** One line of a procedure's document list as published in the catalogue. */
export interface CatalogueDocument {
  name: string;
  form: DocumentForm;
  count: number;
  optional: boolean;
}

/** A procedure of the catalogue, as the picker shows it. */
export interface ProcedureSummary {
  code: string;
  name: string;
  field: string;
  processing_time_text: string;
  fee_text: string;
  documents: CatalogueDocument[];
}

/** The due date the core would give a dossier received now. */
export interface DuePreview {
  due_at: string;
  processing_time_text: string;
}

/** A citizen field the core checks as the clerk types. */
export type CitizenField = "name" | "id_number" | "phone" | "address";

/** A field-level problem; `code` is stable, the UI turns it into a message. */
export interface FieldProblem {
  code: string;
  field: string;
}

/** The person who submits a dossier. */
export interface Citizen {
  name: string;
  id_number?: string;
  phone?: string;
  address?: string;
}

/** How the dossier reached the counter. */
export type Channel = "counter" | "post" | "online";

/** A document actually handed in. */
export interface ReceivedDocument {
  name: string;
  form: DocumentForm;
  count: number;
}

/** What the intake screen sends to create a dossier. */
export interface IntakeInput {
  procedure: string;
  citizen: Citizen;
  channel: Channel;
  documents: ReceivedDocument[];
  clerk_id?: string;
}

/** Where a dossier stands (NĐ 118 art. 17–21). */
export type DossierStatus =
  | "received"
  | "in_progress"
  | "supplement_requested"
  | "result_ready"
  | "returned"
  | "refused"
  | "stopped"
  | "closed";

/** A step the clerk may take on a dossier. */
export type ActionKind =
  | "start_processing"
  | "request_supplement"
  | "resubmit"
  | "refuse"
  | "stop"
  | "extend"
  | "result_ready"
  | "return"
  | "close";

/** Whether a returned dossier came back early, on time or late (TT 03/2025 form 06). */
export type Timeliness = "early" | "on_time" | "late";

/** One dossier (hồ sơ) as the counter sees it. */
export interface Dossier {
  code: string;
  official_code?: string;
  procedure_code: string;
  procedure_name: string;
  citizen: Citizen;
  channel: Channel;
  documents: ReceivedDocument[];
  received_at: string;
  due_at: string;
  status: DossierStatus;
  extended: boolean;
  returned_at?: string;
  timeliness?: Timeliness;
  apology_deadline: string;
  allowed_actions: ActionKind[];
}

/** Today's board: what needs attention now. */
export interface Board {
  due_today: Dossier[];
  due_soon: Dossier[];
  overdue: Dossier[];
  apology_due: Dossier[];
}

/** One entry in a dossier's history. */
export interface DossierEvent {
  seq: number;
  kind: string;
  at: string;
  summary: string;
  clerk?: string;
}

/** A form or letter the counter can print. */
export type PrintKind =
  | "slip"
  | "slip-a5"
  | "receipt"
  | "supplement"
  | "refusal"
  | "apology"
  | "stop"
  | "control"
  | "thanks"
  | "congrats"
  | "condolence";

/** A dossier with its history and what can be printed for it. */
export interface DossierDetail {
  dossier: Dossier;
  events: DossierEvent[];
  printable: PrintKind[];
}

/** A step with its arguments, as `transition` takes it. */
export type TransitionAction =
  | { action: "request_supplement"; reason: string }
  | { action: "refuse"; reason: string }
  | { action: "stop"; reason: string }
  | { action: "extend"; reason: string; new_due_at: string }
  | { action: "start_processing" | "resubmit" | "result_ready" | "return" | "close" };

/** Where the printed PDF was saved. */
export interface PrintResult {
  path: string;
}

/** The three levels of the counter's satisfaction device. */
export type SatisfactionLevel = "very_satisfied" | "satisfied" | "dissatisfied";

/** One press on the satisfaction device. */
export interface TapInput {
  level: SatisfactionLevel;
  criteria: string[];
  dossier_code?: string;
  clerk_id?: string;
}

/** The stored tap. */
export interface TapRecorded {
  id: string;
}

/** Connection to the upstream server. */
export type SyncState = "online" | "offline" | "syncing" | "not_enrolled";

/** Progress of a long sync, as the core sends it (app::sync::ProgressView). */
export interface SyncProgress {
  /** Events still to send. */
  events_waiting: number;
  /** Request bytes sent in this run. */
  bytes_sent: number;
  /** Reply bytes received in this run. */
  bytes_received: number;
  /** Seconds left at the throughput seen so far; null until it can be estimated. */
  estimated_seconds_left: number | null;
}

/** What the header's sync indicator shows. */
export interface SyncStatus {
  state: SyncState;
  waiting_events: number;
  last_success?: string | null;
  progress?: SyncProgress | null;
  clock_skew_seconds?: number | null;
}

/** One span of working hours, "HH:MM". */
export interface WorkingHours {
  start: string;
  end: string;
}

/** Paper the printer is loaded with. */
export type PaperSize = "a4" | "a5" | "receipt80";

/** Interface language. */
export type Language = "vi" | "en";

/** The counter's settings. */
export interface Settings {
  working_hours: WorkingHours[];
  paper: PaperSize;
  printer?: string;
  language: Language;
}

/** Payload of the `dossier-changed` event. */
export interface DossierChanged {
  code: string;
}

/** Payload of the `serve-citizen` event: who was just served, by whom. */
export interface ServeCitizen {
  dossier_code?: string;
  clerk_id?: string;
}

/** A failure from the backend: `code` is stable, the UI turns it into a message. */
export interface IpcError {
  code: string;
  message: string;
  field?: string;
}

/** The kinds of reporting period (domain.md §7). */
export type PeriodKind = "month" | "quarter" | "half_year" | "nine_months" | "year" | "custom";

/** What the reports screen asks for. `cutoff_day` 0 = calendar months; dates are YYYY-MM-DD. */
export interface ReportQuery {
  kind: PeriodKind;
  year?: number;
  number?: number;
  cutoff_day?: number;
  from?: string;
  to?: string;
}

/** The indicators of a period or of one procedure or clerk (domain::report::Indicators). */
export interface Indicators {
  received: { counter: number; post: number; online: number };
  carried_over: number;
  resolved: { early: number; on_time: number; late: number; unclassified: number };
  refused: number;
  stopped: number;
  closed: number;
  pending: { not_yet_due: number; overdue: number; awaiting_supplement: number };
  supplement_requests: number;
  apologies_issued: number;
  late_without_apology: number;
  satisfaction: { very_satisfied: number; satisfied: number; dissatisfied: number };
}

/** The report of a period as the counter computes it (app::report::Report). */
export interface Report {
  commune_code: string;
  commune_name: string;
  counter_name: string;
  generated_at: string;
  on_time_rate_basis_points: number | null;
  on_time_target_basis_points: number;
  meets_on_time_target: boolean | null;
  satisfaction_rate_basis_points: number | null;
  period: { kind: PeriodKind; first: string; last: string };
  as_of: string;
  totals: Indicators;
  by_procedure: { procedure_code: string; procedure_name: string; indicators: Indicators }[];
  by_clerk: { clerk_id: string; indicators: Indicators }[];
  clerks: { id: string; full_name: string }[];
}

/** One month of the charts. Rates in basis points; null when nothing to rate. */
export interface SeriesPoint {
  label: string;
  from: string;
  to: string;
  on_time_rate_basis_points: number | null;
  satisfaction_rate_basis_points: number | null;
  resolved: number;
  taps: number;
}

export type ReportFormat = "json" | "csv" | "xlsx" | "pdf";

/** Where an exported report was saved. */
export interface ExportedReport {
  path: string;
}
