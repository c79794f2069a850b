/** Azure's weekly maintenance window, as the setting maintenanceWindow writes it ("Sun 02:30", UTC). */
import { quote } from "../../config/setting";

const days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

export interface MaintenanceWindow {
  /** 0 = Sunday, as the Azure API counts. */
  dayOfWeek: number;
  startHour: number;
  startMinute: number;
}

/**
 * "Sun 02:30" (UTC) -> the window; undefined when the text is not of that form. Day 0-6, hour 0-23, minute 0-59, as
 * azurerm's maintenance_window block validates them (postgresql_flexible_server_resource.go).
 */
export function parseMaintenanceWindow(value: string): MaintenanceWindow | undefined {
  const match = /^([a-z]+)\s+(\d{1,2}):(\d{2})$/i.exec(value.trim());
  if (!match) return undefined;
  const [, dayText = "", hourText = "", minuteText = ""] = match;
  const dayName = dayText.toLowerCase();
  const dayOfWeek = days.findIndex((day) => dayName === day || dayName === day.slice(0, 3));
  const startHour = Number(hourText);
  const startMinute = Number(minuteText);
  if (dayOfWeek < 0 || startHour > 23 || startMinute > 59) return undefined;
  return { dayOfWeek, startHour, startMinute };
}

export function maintenanceWindowProblem(value: string): string | undefined {
  return parseMaintenanceWindow(value)
    ? undefined
    : `${quote(value)} is not a weekly start time. Accepted: a day and a UTC time, e.g. "Sun 02:30" or "Wednesday 23:00".`;
}
