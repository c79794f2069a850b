// Runs a compiled Pulumi program under the SDK's mocks (pulumi.runtime.setMocks), with the SDK the program's own
// project installed, as `pulumi up` would load it from the project directory. Prints one JSON line: what the
// program registered (inputs with secrets unwrapped, as the engine hands them to a provider) and its outputs.
// Usage (working directory: the project directory): node run-with-mocks.cjs <program> <config JSON> <secret keys JSON>
const path = require("node:path");

const [program, configJson, secretKeysJson] = process.argv.slice(2);
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.cwd()] }));

function unwrapSecrets(value) {
  if (pulumi.runtime.isRpcSecret(value)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
  }
  return value;
}

function settled(output) {
  return new Promise((resolve) => pulumi.output(output).apply(resolve));
}

async function main() {
  const registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        registered.push({ type, name, inputs: unwrapSecrets(inputs) });
        return { id: `${name}-id`, state: inputs };
      },
      call: ({ inputs }) => inputs,
    },
    "consumer",
    "dev",
    false,
  );
  pulumi.runtime.setAllConfig(JSON.parse(configJson), JSON.parse(secretKeysJson));
  const exported = require(path.resolve(program));
  const outputs = {};
  const secretOutputs = [];
  for (const [key, value] of Object.entries(exported)) {
    if (typeof value === "function") continue;
    outputs[key] = await settled(value);
    if (pulumi.Output.isInstance(value) && (await value.isSecret)) secretOutputs.push(key);
  }
  await pulumi.runtime.waitForRPCs();
  process.stdout.write(`${JSON.stringify({ registered, outputs, secretOutputs: secretOutputs.sort() })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
