// Starts `nemotron4j serve` from the built jar on a free loopback port and stops it again.
// The jar is NEMOTRON4J_JAR, else java/cli/target/nemotron4j.jar; the server runs from the repository
// root and serves the bundled tiny model unless NEMOTRON4J_MODEL names a folder.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const API_KEY = "test-key";
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const JAR = process.env.NEMOTRON4J_JAR ?? resolve(REPO_ROOT, "java/cli/target/nemotron4j.jar");
const START_TIMEOUT_MS = 60_000;
// serve's startup line on stderr: "nemotron4j serve: NAME on http://HOST:PORT (device ...)"
const LISTENING = /nemotron4j serve: (\S+) on (http:\/\/[^\s]+:\d+)/;

/** Returns { baseURL, origin, model, stop() }; baseURL ends in /v1. extraArgs go after serve's own. */
export async function startServer(extraArgs = []) {
  if (!existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it first (mvn -B -DskipTests package)`);
  }
  const args = ["-jar", JAR, "serve", "--port", "0", "--api-key", API_KEY];
  if (process.env.NEMOTRON4J_MODEL) args.push("--model", process.env.NEMOTRON4J_MODEL);
  args.push(...extraArgs);
  const child = spawn("java", args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "pipe"] });
  let log = "";
  const started = new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`serve did not start in ${START_TIMEOUT_MS} ms:\n${log}`)),
      START_TIMEOUT_MS);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text) => {
      log += text;
      const m = LISTENING.exec(log);
      if (m) {
        clearTimeout(timer);
        resolveStart({ model: m[1], origin: m[2] });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`serve exited with ${code} before listening:\n${log}`));
    });
  });
  const { model, origin } = await started;
  await waitForHealth(origin);
  return {
    model,
    origin,
    baseURL: `${origin}/v1`,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForHealth(origin) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${origin}/health`);
      if (res.ok) return;
    } catch {
      // not accepting yet
    }
    if (Date.now() > deadline) throw new Error(`${origin}/health did not answer 200`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
