// Which strings of a connection URL are secret, for the engine's Redactor.

/** The password of a connection URL (from user:password@ or a password= parameter), decoded. */
export function passwordsOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    const passwords = [
      parsed.password,
      ...[...parsed.searchParams].filter(([key]) => /pass/i.test(key)).map(([, v]) => v),
    ];
    return (
      passwords
        .map(safeDecode)
        // user:password alike (postgres:postgres on a local server) is no secret, and scrubbing it would garble output.
        .filter((password) => password !== "" && password !== safeDecode(parsed.username))
    );
  } catch {
    // Not a URL: the engine's Redactor still removes anything shaped like credentials.
    return [];
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
