import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export type TFakeSmtpServer = {
  url: string;
  /** Raw DATA of every accepted message. */
  messages: string[];
  /** How many upcoming DATA commands to refuse with a temporary error. */
  failNext: number;
  close(): Promise<void>;
};

/** Just enough SMTP for nodemailer (no TLS, no auth), so tests exercise the real SMTP path. */
export async function startFakeSmtpServer(): Promise<TFakeSmtpServer> {
  const sockets = new Set<Socket>();
  const state: TFakeSmtpServer = { url: "", messages: [], failNext: 0, close: async () => undefined };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setEncoding("utf8");
    let buffer = "";
    let data: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 fake.test ESMTP");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === ".") {
            state.messages.push(data.join("\r\n"));
            data = null;
            reply("250 2.0.0 queued");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250-fake.test\r\n250 8BITMIME");
        else if (verb === "MAIL" || verb === "RCPT" || verb === "RSET" || verb === "NOOP") reply("250 2.0.0 ok");
        else if (verb === "DATA") {
          if (state.failNext > 0) {
            state.failNext -= 1;
            reply("451 4.3.0 try again later");
          } else {
            data = [];
            reply("354 go ahead");
          }
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("502 5.5.2 not implemented");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
