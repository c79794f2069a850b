import { describe, expect, it } from "vitest";
import { x } from "pgvector-migrate";
describe("s", () => { it("x", () => { expect(x).toBe(1); }); });
