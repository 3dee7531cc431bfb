import { describe, expect, it } from "vitest";
import { AppError } from "@koi/core/app-error";
import { singleQueryValue } from "./single-query-value.ts";

const url = (query: string) => new URL(`http://koi.test/api/v1/x${query}`);

describe("singleQueryValue", () => {
  it("reads a parameter given once, and null for one not given", () => {
    expect(singleQueryValue(url("?wait=5"), "wait")).toBe("5");
    expect(singleQueryValue(url("?wait="), "wait")).toBe("");
    expect(singleQueryValue(url("?other=1"), "wait")).toBeNull();
  });

  it("refuses a parameter given twice, whatever the values, naming it", () => {
    for (const query of ["?wait=1&wait=30", "?wait=5&wait=5", "?wait&wait=1"]) {
      let caught: unknown;
      try {
        singleQueryValue(url(query), "wait");
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect(caught).toMatchObject({ code: "BAD_REQUEST", fields: { wait: "given more than once" } });
      expect((caught as Error).message).toContain("wait is given 2 times");
    }
  });
});
