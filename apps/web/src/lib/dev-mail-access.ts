import { isLoopbackAddress } from "@koi/core/ip-ranges";

/**
 * /dev/mail shows every stored email, reset and invitation links included, so it is a way into
 * any account: it exists in development and test, in a production build only with KOI_DEV_MAIL=true,
 * and even then answers only a browser on this machine (the client address Koi's web server
 * resolved from the socket, which no header can forge).
 */
export function devMailAllowed(opts: { nodeEnv: string; devMailFlag: boolean; clientIp: string }): boolean {
  if (opts.nodeEnv === "production" && !opts.devMailFlag) return false;
  return isLoopbackAddress(opts.clientIp);
}
