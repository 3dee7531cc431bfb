export { buildAuthConfig } from "./auth-config.ts";
export { clientIp } from "./client-ip.ts";
export { roleAtLeast } from "./roles.ts";
