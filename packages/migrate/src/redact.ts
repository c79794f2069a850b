// Keeps passwords and connection strings out of every message and log line the engine produces.

const urlWithCredentials = /\b(postgres(?:ql)?:\/\/)([^\s:@/]*)(:[^\s@/]*)?@/gi;
const passwordParameter = /\b(password|pass|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s&;]+)/gi;

/** Passwords shorter than this are only removed from URLs and key=value pairs: replacing every "ab" would garble text. */
const minimumLiteralLength = 4;

/** Removes credentials from connection strings (`postgres://user:***@host`) and `password=...` pairs. */
export function redactConnectionStrings(text: string): string {
  return text
    .replace(urlWithCredentials, (_match, scheme: string, user: string, password: string | undefined) =>
      password ? `${scheme}${user}:***@` : `${scheme}${user}@`,
    )
    .replace(passwordParameter, (_match, key: string) => `${key}=***`);
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
}
