// Keeps passwords and connection strings out of every message and log line the engine produces.
import type { MigrateErrorDetails } from "./errors";

const urlWithCredentials = /\b(postgres(?:ql)?:\/\/)([^\s:@/]*)(:[^\s@/]*)?@/gi;
const passwordParameter = /\b(password|pass|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s&;]+)/gi;
/** CREATE/ALTER ROLE ... [ENCRYPTED] PASSWORD 'secret', as a failing statement of a migration is quoted. */
const sqlPasswordLiteral = /\b(password\s+)E?'(?:[^']|'')*'/gi;

/** Passwords shorter than this are only removed from URLs and key=value pairs: replacing every "ab" would garble text. */
const minimumLiteralLength = 4;

/**
 * Removes credentials from connection strings (`postgres://user:***@host`), `password=...` pairs and SQL password
 * literals (`PASSWORD '***'`).
 */
export function redactConnectionStrings(text: string): string {
  return text
    .replace(urlWithCredentials, (_match, scheme: string, user: string, password: string | undefined) =>
      password ? `${scheme}${user}:***@` : `${scheme}${user}@`,
    )
    .replace(passwordParameter, (_match, key: string) => `${key}=***`)
    .replace(sqlPasswordLiteral, (_match, keyword: string) => `${keyword}'***'`);
}

/** Replaces known secrets, then anything that looks like credentials, with ***. */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: readonly (string | undefined)[] = []) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < minimumLiteralLength) continue;
      variants.add(secret);
      variants.add(encodeURIComponent(secret));
    }
    this.secrets = [...variants].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = redactConnectionStrings(text);
    for (const secret of this.secrets) result = result.split(secret).join("***");
    return result;
  }

  /** An error's details carry texts too (problems, file names): redacted like its message. */
  redactDetails(details: MigrateErrorDetails): MigrateErrorDetails {
    const redactValue = (value: unknown): unknown => {
      if (typeof value === "string") return this.redact(value);
      if (Array.isArray(value)) return value.map(redactValue);
      return value;
    };
    return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, redactValue(value)]));
  }
}
