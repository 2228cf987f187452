import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { clearMocks } from "@tauri-apps/api/mocks";
import Reports from "./Reports.svelte";
import { fakeBackend } from "../../test/backend";
import type { Indicators, Report, SeriesPoint } from "../api";

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});

function indicators(over: Partial<Indicators> = {}): Indicators {
  return {
    received: { counter: 40, post: 1, online: 9 },
    carried_over: 3,
    resolved: { early: 10, on_time: 28, late: 2, unclassified: 0 },
    refused: 1,
    stopped: 0,
    closed: 0,
    pending: { not_yet_due: 9, overdue: 1, awaiting_supplement: 2 },
    supplement_requests: 4,
    apologies_issued: 2,
    late_without_apology: 0,
    satisfaction: { very_satisfied: 20, satisfied: 5, dissatisfied: 1 },
    ...over,
  };
}

const REPORT: Report = {
  commune_code: "99999",
  commune_name: "Xã Thử Nghiệm",
  counter_name: "Quầy 1",
  generated_at: "2026-11-20T09:00:00+07:00",
  on_time_rate_basis_points: 9500,
  on_time_target_basis_points: 9800,
  meets_on_time_target: false,
  satisfaction_rate_basis_points: 9615,
  period: { kind: "month", first: "2026-10-15", last: "2026-11-14" },
  as_of: "2026-11-20T09:00:00+07:00",
  totals: indicators(),
  by_procedure: [{ procedure_code: "1.001193", procedure_name: "Đăng ký khai sinh", indicators: indicators() }],
  by_clerk: [{ clerk_id: "clerk-1", indicators: indicators() }],
  clerks: [{ id: "clerk-1", full_name: "Lê Văn Một" }],
};

const SERIES: SeriesPoint[] = Array.from({ length: 12 }, (_, i) => ({
  label: `${String(i + 1).padStart(2, "0")}/2026`,
  from: `2026-${String(i + 1).padStart(2, "0")}-01`,
  to: `2026-${String(i + 1).padStart(2, "0")}-28`,
  on_time_rate_basis_points: i === 0 ? null : 9000 + i * 50,
  satisfaction_rate_basis_points: 9615,
  resolved: i === 0 ? 0 : 10,
  taps: 5,
}));

describe("Reports", () => {
  it("shows the period's on-time rate against the 98% target in words, its figures and both charts", async () => {
    const core = fakeBackend({ report: () => REPORT, report_series: () => SERIES });
    render(Reports);
    const onTime = await screen.findByTestId("reports-on-time");
    expect(onTime.textContent).toContain("95,00%");
    expect(onTime.textContent).toContain("chưa đạt chỉ tiêu 98%");
    expect(screen.getByTestId("reports-satisfaction").textContent).toContain("96,15%");
    expect(screen.getByTestId("reports-period").textContent).toContain("15/10/2026");
    expect(screen.getByTestId("reports-figures").textContent).toContain("50");
    // The on-time chart names each month's value in its description; an empty month is a dash.
    const chart = screen.getByTestId("reports-chart-on-time");
    expect(chart.querySelectorAll("rect")).toHaveLength(11);
    expect(chart.querySelector("desc")?.textContent).toContain("01/2026: —");
    expect(chart.querySelector("desc")?.textContent).toContain("12/2026: 95,5%");
    expect(screen.getByTestId("reports-by-clerk").textContent).toContain("Lê Văn Một");
    expect(core.argsOf("report")[0]).toEqual({
      query: { kind: "month", year: new Date().getFullYear(), number: new Date().getMonth() + 1, cutoff_day: 0 },
    });
    expect(core.argsOf("report_series")[0]).toEqual({ months: 12, cutoff_day: 0 });
  });

  it("asks a quarter with a cut-off on the 15th, and exports it", async () => {
    const core = fakeBackend({
      report: () => ({ ...REPORT, meets_on_time_target: true, on_time_rate_basis_points: 9900 }),
      report_series: () => SERIES,
      export_report: () => ({ path: "/data/exports/bao-cao.xlsx" }),
    });
    const user = userEvent.setup();
    render(Reports);
    await screen.findByTestId("reports-on-time");
    await user.selectOptions(screen.getByTestId("reports-kind"), "quarter");
    await user.clear(screen.getByTestId("reports-number"));
    await user.type(screen.getByTestId("reports-number"), "3");
    await user.clear(screen.getByTestId("reports-cutoff"));
    await user.type(screen.getByTestId("reports-cutoff"), "15");
    await user.click(screen.getByTestId("reports-show"));
    await waitFor(() => expect(core.argsOf("report")).toHaveLength(2));
    expect(core.argsOf("report")[1]).toEqual({
      query: { kind: "quarter", year: new Date().getFullYear(), number: 3, cutoff_day: 15 },
    });
    await waitFor(() => expect(screen.getByTestId("reports-on-time").textContent).toContain("99,00%"));
    expect(screen.getByTestId("reports-on-time").textContent).toContain("đạt chỉ tiêu 98%");
    expect(screen.getByTestId("reports-on-time").textContent).not.toContain("chưa đạt");

    await user.click(screen.getByTestId("reports-export-xlsx"));
    await waitFor(() => expect(core.argsOf("export_report")).toHaveLength(1));
    expect(core.argsOf("export_report")[0].format).toBe("xlsx");
    expect((await screen.findByTestId("reports-note")).textContent).toContain("/data/exports/bao-cao.xlsx");
  });

  it("shows the core's refusal in Vietnamese", async () => {
    fakeBackend({
      report: () => {
        throw { code: "validation", field: "to", message: "period" };
      },
      report_series: () => SERIES,
    });
    render(Reports);
    expect((await screen.findByTestId("reports-error")).textContent).toContain("Thông tin chưa hợp lệ");
  });
});
