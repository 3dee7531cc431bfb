// The session carries the active org (see auth-config's jwt callback).
// Module augmentation must use an interface.
declare module "next-auth" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Session {
    activeOrgId: string | null;
  }
}

export {};
