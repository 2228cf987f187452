// Messages, error codes and dates in the clerk's language. Vietnamese is the default.
// Errors are mapped by their stable `code`; the backend's `message` is never shown.
import type { FieldProblem, IpcError, Language } from "../api";
import { en } from "./en";
import { vi, type MessageKey } from "./vi";
import type { ErrorCode } from "../api/types";

// Every error code the core can send has a Vietnamese message: a code added in Rust without one
// fails `npm run check` here (the generated `ErrorCode`), not a clerk's screen.
const everyErrorCodeHasAMessage: Record<`error.${ErrorCode}`, string> = vi;
void everyErrorCodeHasAMessage;

export type { MessageKey };

const dictionaries: Record<Language, Record<MessageKey, string>> = { vi, en };

const current = $state<{ language: Language }>({ language: "vi" });

/** Switches every screen to `language`. */
export function setLanguage(language: Language): void {
  current.language = language;
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

/** The language in use. */
export function language(): Language {
  return current.language;
}

/** The message `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  // A key the dictionary lacks shows as itself rather than breaking the whole screen.
  const template = dictionaries[current.language][key] ?? String(key);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

function has(key: string): key is MessageKey {
  return key in vi;
}

/** The label of a form field named by the backend, or the raw name when it is unknown. */
export function fieldLabel(field: string): string {
  const key = `field.${field}`;
  return has(key) ? t(key) : field;
}

/** A message for a failed command, chosen by its code only. */
export function errorText(error: IpcError): string {
  if (error.code === "validation" && error.field) {
    return t("error.validation_field", { field: fieldLabel(error.field) });
  }
  const key = `error.${error.code}`;
  return has(key) ? t(key) : t("error.unknown", { code: error.code });
}

/**
 * A message for a citizen field the core refused. Generic codes (`required`, `too_long`) have
 * their own text; any other code gets the field's own explanation, so a new code from the core
 * still shows something useful.
 */
export function problemText(problem: FieldProblem): string {
  if (problem.code === "required" || problem.code.endsWith("_required")) return t("problem.required");
  if (problem.code === "too_long" || problem.code.endsWith("_too_long")) return t("problem.too_long");
  const key = `problem.${problem.field}`;
  return has(key) ? t(key) : t("problem.other");
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

/**
 * An instant as the slip prints it, "16:30 ngày 25/11/2026". The core sends Vietnam time
 * (+07:00), so the wall-clock digits are read from the string itself: the counter PC's own time
 * zone must not shift a legal deadline.
 */
export function formatInstant(instant: string | null | undefined): string {
  // A dossier whose clock is stopped (supplement requested) has no due date.
  if (!instant) return "—";
  const m = INSTANT.exec(instant);
  if (!m) return instant;
  const [, year, month, day, hour, minute] = m;
  return t("time.at", { time: `${hour}:${minute}`, date: `${day}/${month}/${year}` });
}

/** A short duration such as "3 phút" or "40 giây". */
export function formatSeconds(seconds: number): string {
  if (seconds >= 60) return t("time.minutes", { n: Math.round(seconds / 60) });
  return t("time.seconds", { n: Math.max(0, Math.round(seconds)) });
}
