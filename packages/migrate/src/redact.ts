// Keeps passwords and connection strings out of every message and log line the engine and the CLI produce.
// Secrets are removed by structure: URL userinfo, password=... pairs, and PASSWORD literals of CREATE/ALTER ROLE.
// Known secrets are also searched for in free text, but only when distinctive enough (see isDistinctive).
import { type ParsedUrl, parseConnectionUrl } from "./db/connection-url";
import type { MigrateErrorDetails } from "./errors";

/**
 * postgres://user:password@: the userinfo runs to the last "@" of the unbroken text, as a password written
 * without percent-encoding may hold "/", "?", "#" or "@".
 */
const urlUserInfo = /\b(postgres(?:ql)?:\/\/)(\S*)@/gi;
const passwordParameter = /\b(password|pass|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s&;]+)/gi;
/**
 * [ENCRYPTED] PASSWORD followed by any SQL string literal: '...', E'...' (backslash escapes), U&'...', $$...$$ or
 * $tag$...$tag$. A literal cut off by the end of the text (a truncated excerpt) is removed to the end.
 */
const sqlPasswordLiteral =
  /\b(password\s+)(?:(?:E'(?:[^'\\]|\\[\s\S]|'')*(?:'|$))|(?:(?:U&)?'(?:[^']|'')*(?:'|$))|(?:(\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$)[\s\S]*?(?:\2|$)))/gi;

/** Text that ends where a PASSWORD literal starts (the parser may stop at its E or U& prefix, or at its quote). */
const beforePasswordLiteral = /\bpassword\s+(?:E|U&)?$/i;

/** Whether the SQL at `index` is the literal of a PASSWORD clause, which a parser error must not quote. */
export function isPasswordLiteralAt(sql: string, index: number): boolean {
  return beforePasswordLiteral.test(sql.slice(Math.max(0, index - 200), index));
}

/**
 * A known secret is searched for in free text (where no structure marks it, e.g. the server echoing it in a
 * message) only when it is at least this long and has a character that is not a letter. Shorter or letters-only
 * secrets are words that occur in ordinary messages ("directory", "postgres"): replacing them garbles the text
 * ("The *** directory") while the structural rules still remove them wherever they appear as a password.
 */
const minimumSearchedLength = 8;

function isDistinctive(secret: string): boolean {
  return secret.length >= minimumSearchedLength && /\P{L}/u.test(secret);
}

/**
 * Removes credentials by structure: the password of connection strings (`postgres://user:***@host`),
 * `password=...` pairs and SQL password literals (`PASSWORD '***'`).
 */
export function redactConnectionStrings(text: string): string {
  return text
    .replace(urlUserInfo, (_match, scheme: string, userInfo: string) => {
      const colon = userInfo.indexOf(":");
      return colon === -1 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:***@`;
    })
    .replace(passwordParameter, (_match, key: string) => `${key}=***`)
    .replace(sqlPasswordLiteral, (_match, keyword: string) => `${keyword}'***'`);
}

/** Replaces credentials by structure, then known distinctive secrets, with ***. */
export class Redactor {
  private readonly secrets: string[];

  /**
   * `secrets`: passwords and connection strings. `shown`: values printed anyway (the user and database names,
   * in every `user@host:port/database` target), so a password equal to one of them is not searched for.
   */
  constructor(secrets: readonly (string | undefined)[] = [], shown: readonly (string | undefined)[] = []) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      if (!secret || shown.includes(secret)) continue;
      for (const variant of [secret, encodeURIComponent(secret)]) {
        if (isDistinctive(variant)) variants.add(variant);
      }
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

export interface Credentials {
  url?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  database?: string | undefined;
}

/**
 * The Redactor for a connection given as a URL and/or fields, before (or without) resolving it: the URL's
 * password when the URL can be read, and the URL text itself in any case.
 */
export function redactorFor(credentials: Credentials): Redactor {
  let fromUrl: Partial<ParsedUrl> = {};
  if (credentials.url) {
    try {
      fromUrl = parseConnectionUrl(credentials.url);
    } catch {
      // An unreadable URL is refused without being quoted; its text stays a secret below.
    }
  }
  return new Redactor(
    [credentials.password, fromUrl.password, fromUrl.parameters?.get("password"), credentials.url],
    [
      credentials.user ?? fromUrl.user ?? fromUrl.parameters?.get("user"),
      credentials.database ?? fromUrl.database ?? fromUrl.parameters?.get("dbname"),
    ],
  );
}
