import { readFile } from "node:fs/promises";
import path from "node:path";
import { ImageResponse } from "next/og";

// The home-screen icon (iOS, and what /favicon.ico serves, see next.config.ts): icon.svg as a PNG,
// rendered once at build time.
export const size = { width: 180, height: 180 };
export const contentType = "image/png";

export default async function AppleIcon() {
  const svg = await readFile(path.join(process.cwd(), "src/app/icon.svg"));
  return new ImageResponse(
    <img src={`data:image/svg+xml;base64,${svg.toString("base64")}`} width={size.width} height={size.height} alt="" />,
    size,
  );
}
