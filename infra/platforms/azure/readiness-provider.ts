// The dynamic provider behind `AzureServerReadiness`: waits until Azure Resource Manager reports a flexible server
// Ready, so that the first write to it (a firewall rule or a server parameter) is not rejected with ServerIsBusy.
//
// Azure rejects configuration and firewall writes for a while after it reports the server created, and
// azure-native does not retry them (Azure/azure-postgresql#134: "ServerIsBusy ... Try again later", fixed there by an
// arbitrary wait; hashicorp/terraform-provider-azurerm#28298). This gate polls GET <server id> until
// `properties.state` is Ready on `readyPolls` answers in a row, spaced by the poll interval, within a bounded time.
//
// Pulumi serializes this provider with what it references into the state, so this file has no value imports: the
// helpers are defined here and use only globals (fetch, setTimeout, AbortSignal). Nothing secret is captured: the
// ARM token arrives as an input and is never written to outputs or messages.
import type * as pulumi from "@pulumi/pulumi";

export interface ReadinessPoll {
  /** ARM base URL, e.g. https://management.azure.com */
  armEndpoint: string;
  /** /subscriptions/.../resourceGroups/.../providers/Microsoft.DBforPostgreSQL/flexibleServers/<name> */
  serverId: string;
  apiVersion: string;
  /** Bearer token for ARM. */
  token: string;
  timeoutMs: number;
  /** Wait after the first answer; it grows by half each time, up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Ready answers in a row needed: the state flips back while the service finishes setting the server up. */
  readyPolls: number;
}

export interface ReadinessResult {
  state: string;
  polls: number;
}

/** The defaults of the gate; docs/azure.md documents them. */
export const readinessDefaults = {
  timeoutMinutes: 30,
  intervalMs: 5_000,
  maxIntervalMs: 30_000,
  readyPolls: 2,
  requestTimeoutMs: 30_000,
} as const;

/** What the Pulumi engine sends in place of a value that is not known yet (during preview). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Answers worth waiting out: throttling, server errors, and the not-found ARM returns right after a create. */
function isTransient(status: number): boolean {
  return status === 404 || status === 408 || status === 409 || status === 429 || status >= 500;
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1_000)} seconds`;
}

function serverName(serverId: string): string {
  return serverId.split("/").filter(Boolean).at(-1) ?? serverId;
}

/** Polls the server until it is Ready `readyPolls` times in a row; throws on timeout or on an answer that will not change. */
export async function waitForServerReady(poll: ReadinessPoll): Promise<ReadinessResult> {
  const url = `${poll.armEndpoint.replace(/\/+$/, "")}${poll.serverId}?api-version=${encodeURIComponent(poll.apiVersion)}`;
  const deadline = Date.now() + poll.timeoutMs;
  const name = serverName(poll.serverId);
  let interval = poll.intervalMs;
  let polls = 0;
  let readyInARow = 0;
  let last = "no answer yet";
  for (;;) {
    polls += 1;
    const remaining = deadline - Date.now();
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${poll.token}`, accept: "application/json" },
        // The last poll may run up to a second past the deadline, so that it still gets an answer.
        signal: AbortSignal.timeout(Math.min(readinessDefaults.requestTimeoutMs, Math.max(remaining, 1_000))),
      });
      if (response.ok) {
        const body = (await response.json()) as { properties?: { state?: unknown } };
        const state = typeof body.properties?.state === "string" ? body.properties.state : "(no state)";
        last = `state ${state}`;
        readyInARow = state === "Ready" ? readyInARow + 1 : 0;
        if (readyInARow >= poll.readyPolls) return { state, polls };
      } else if (isTransient(response.status)) {
        readyInARow = 0;
        last = `HTTP ${response.status}`;
      } else {
        throw new Error(
          `AzureServerReadiness: Azure Resource Manager answered HTTP ${response.status} when reading server ${name}` +
            (response.status === 401 || response.status === 403
              ? "; the identity running Pulumi needs read access (Reader) on the server's resource group."
              : "."),
        );
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("AzureServerReadiness:")) throw error;
      readyInARow = 0;
      last = `no answer (${error instanceof Error ? error.name : "error"})`;
    }
    const wait = Math.min(interval, deadline - Date.now());
    if (wait <= 0) {
      throw new Error(
        `AzureServerReadiness: server ${name} was not Ready within ${duration(poll.timeoutMs)} ` +
          `(${polls} polls; last: ${last}). Azure rejects writes to a busy server (ServerIsBusy): check the server in ` +
          "the portal and run `pulumi up` again once it is Available.",
      );
    }
    await sleep(wait);
    interval = Math.min(Math.round(interval * 1.5), poll.maxIntervalMs);
  }
}

function pollFrom(inputs: Record<string, unknown>): ReadinessPoll {
  return {
    armEndpoint: String(inputs.armEndpoint),
    serverId: String(inputs.serverId),
    apiVersion: String(inputs.apiVersion),
    token: String(inputs.token),
    timeoutMs: Number(inputs.timeoutMinutes) * 60_000,
    intervalMs: readinessDefaults.intervalMs,
    maxIntervalMs: readinessDefaults.maxIntervalMs,
    readyPolls: readinessDefaults.readyPolls,
  };
}

/**
 * Waits on create only: an existing server that becomes busy later is an operator's concern, and a gate that polled on
 * every update would show a change in every preview (the token is new each run). A new server id replaces the gate.
 */
export const serverReadinessProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    const timeout = news.timeoutMinutes;
    if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1) {
      return {
        inputs: news,
        failures: [
          { property: "timeoutMinutes", reason: "timeoutMinutes must be a whole number of minutes, at least 1" },
        ],
      };
    }
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    const changed = news.serverId === unknownValue || olds.serverId !== news.serverId;
    return { changes: changed, replaces: changed ? ["serverId"] : [], deleteBeforeReplace: false };
  },
  async create(inputs) {
    const poll = pollFrom(inputs);
    const result = await waitForServerReady(poll);
    return {
      id: `${poll.serverId}/readiness`,
      outs: {
        serverId: poll.serverId,
        armEndpoint: poll.armEndpoint,
        apiVersion: poll.apiVersion,
        timeoutMinutes: inputs.timeoutMinutes,
        state: result.state,
      },
    };
  },
  async delete() {
    // Nothing to remove: the gate only waited.
  },
};
