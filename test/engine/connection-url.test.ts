// Database URLs a password breaks, and redaction by structure. Pure: no database (see connection.test.ts).
import { Redactor, redactConnectionStrings } from "pgvector-migrate";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../../packages/migrate/src/db/connection-config";
import { thrown } from "./helpers";

/** The pieces of a password between the characters that break a URL: none may appear in any message. */
function fragmentsOf(password: string): string[] {
  return password.split(/[/?#@% ]/).filter((fragment) => /[A-Z]/.test(fragment));
}

function refusal(url: string) {
  const error = thrown(() => resolveConnection({ url }));
  expect(error.code).toBe("INVALID_OPTIONS");
  expect(error.message).not.toContain(url);
  return error;
}

describe("database URLs whose password needs percent-encoding", () => {
  it.each([
    { password: "1234/Sx9Secret", named: ['"/" (write it as %2F)'] },
    { password: "5432?Qz8Secret", named: ['"?" (write it as %3F)'] },
    { password: "Hz8#Secret5", named: ['"#" (write it as %23)'] },
    {
      password: "Mx1/Nx2?Ox3#Px4@Qx5%Rx6 Sx7",
      named: ['"/" (write it as %2F)', '"?" (write it as %3F)', '"#" (write it as %23)', '"@" (write it as %40)'],
    },
  ])("refuses user:$password@host, naming the characters and never the password", ({ password, named }) => {
    const error = refusal(`postgres://postgres:${password}@db.example.com:5432/app?sslmode=require`);
    expect(error.message).toContain("The database URL is not valid");
    expect(error.message).toContain("so the URL cannot be split into user:password@host");
    for (const character of named) expect(error.message).toContain(character);
    expect(error.message).toContain("that must be percent-encoded");
    for (const fragment of fragmentsOf(password)) expect(error.message).not.toContain(fragment);
    expect(JSON.stringify(error.details ?? {})).not.toMatch(/Secret|Sx7/);
  });

  it("refuses an @ in the query outside a known parameter's value, and accepts one inside it", () => {
    refusal("postgres://postgres:pa@ss?x=Kx9Secret@db.example.com/app");
    const resolved = resolveConnection({
      url: "postgres://postgres:p@ss@db.example.com/app?application_name=me@ci",
    });
    expect(resolved).toMatchObject({ host: "db.example.com", password: "p@ss", applicationName: "me@ci" });
  });

  it("names a port that is not a number, and a missing host", () => {
    expect(refusal("postgres://u:Kx9Secret@db.example.com:abc/app").message).toContain('port "abc" is not a number');
    expect(refusal("postgres://u:Kx9Secret@db.example.com:99999/app").message).toContain('port "99999"');
    for (const url of ["postgres://u:Kx9Secret@/app", "postgres://u:Kx9Secret@:5432/app"]) {
      expect(refusal(url).message).toContain("the URL has no host");
    }
  });

  it("does not quote a 'port' that may be a password of a URL without @host", () => {
    const error = refusal("postgres://postgres:Kx9Secret");
    expect(error.message).toContain("is not a port number");
    expect(error.message).toContain('the URL lacks "@host"');
    expect(error.message).not.toContain("Kx9Secret");
  });

  it("reads a password with an unencoded @, % or space as written", () => {
    for (const password of ["Ab3@Secret7", "Pc5%Secret9", "Sp4 Secret2"]) {
      const resolved = resolveConnection({ url: `postgres://app:${password}@db.example.com:6432/app` });
      expect(resolved).toMatchObject({ user: "app", password, host: "db.example.com", port: 6432, database: "app" });
    }
    expect(resolveConnection({ url: "postgres:///app" })).toMatchObject({ database: "app" });
    // Decoded once: %2F is a "/", %2520 a literal "%20".
    expect(resolveConnection({ url: "postgres://u:p@h/a%2Fb" }).database).toBe("a/b");
    expect(resolveConnection({ url: "postgres://u:p@h/a%2520b?sslmode=disable" }).database).toBe("a%20b");
  });
});

describe("redaction by structure", () => {
  it("removes URL userinfo even when the password is not percent-encoded", () => {
    expect(redactConnectionStrings("see postgres://app:12/ab@cd@db:5432/x now")).toBe(
      "see postgres://app:***@db:5432/x now",
    );
    expect(redactConnectionStrings("postgresql://app@db/x")).toBe("postgresql://app@db/x");
  });

  it.each([
    ["'Kx9''s'", "CREATE ROLE a LOGIN PASSWORD 'Kx9''s' VALID UNTIL 'infinity';"],
    ["E'Kx9\\'s'", "ALTER ROLE a WITH ENCRYPTED PASSWORD E'Kx9\\'s' VALID UNTIL 'infinity';"],
    ["$$Kx9's$$", "CREATE USER a PASSWORD $$Kx9's$$ VALID UNTIL 'infinity';"],
    ["$pw$Kx9$$s$pw$", "ALTER USER a PASSWORD $pw$Kx9$$s$pw$ VALID UNTIL 'infinity';"],
  ])("removes the password literal %s of a role statement", (literal, statement) => {
    const redacted = redactConnectionStrings(statement);
    expect(redacted).toBe(statement.replace(literal, "'***'"));
    expect(redacted).toContain("VALID UNTIL 'infinity'");
  });

  it("removes a password literal cut off by the end of the text", () => {
    expect(redactConnectionStrings("CREATE ROLE a PASSWORD 'Kx9Secr ...")).toBe("CREATE ROLE a PASSWORD '***'");
  });

  it("does not garble messages when the password is the user name or a common word", () => {
    const sameAsUser = new Redactor(["postgres"], ["postgres"]);
    expect(sameAsUser.redact("Waiting for the migration lock on postgres@127.0.0.1:5432/postgres")).toBe(
      "Waiting for the migration lock on postgres@127.0.0.1:5432/postgres",
    );
    const word = new Redactor(["directory", "postgres://app:directory@db/x"], ["app"]);
    expect(word.redact("The migrations directory does not exist")).toBe("The migrations directory does not exist");
    expect(word.redact("postgres://app:directory@db/x")).toBe("postgres://app:***@db/x");
  });

  it("still searches for a distinctive secret in free text", () => {
    const redactor = new Redactor(["Kx9/Secret"], ["app"]);
    expect(redactor.redact("the server said Kx9/Secret and Kx9%2FSecret")).toBe("the server said *** and ***");
  });
});
