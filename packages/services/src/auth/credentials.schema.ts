import { z } from "zod";

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter your email.")
  .max(254)
  .email("Enter a valid email address.");

// Length is the policy (NIST 800-63B): no composition rules; 200 caps the cost of hashing.
export const ZPassword = z.string().min(10, "Use at least 10 characters.").max(200, "Use at most 200 characters.");

// Emailed tokens are 43 base64url characters; the bound only keeps garbage small.
export const ZSecretToken = z.string().min(16).max(200);
