import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", ".hookline/**", "lib/db/generated/**", "test-results/**", "playwright-report/**", "data/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // A key with no member behind it skips createApiKey's admin check: only lib (the bootstrap key) and tests make one.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/auth/api-keys", "**/lib/auth/api-keys"],
              importNames: ["createSystemApiKey"],
              message: "A member's key is made with createApiKey(input, member), which holds them to admin.",
            },
            {
              group: ["@/lib/db/dialect", "**/db/dialect"],
              importNames: ["prismaProvider"],
              message: "Only lib/db asks which database it is: say what the statement needs through a dialect helper (lib/db/dialect.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    // What differs between the databases is asked in lib/db only (Better Auth's adapter takes the provider's name).
    files: ["lib/**/*.ts"],
    ignores: ["lib/db/**", "lib/auth/better-auth.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db/dialect", "**/db/dialect"],
              importNames: ["prismaProvider"],
              message: "Only lib/db asks which database it is: say what the statement needs through a dialect helper (lib/db/dialect.ts).",
            },
          ],
        },
      ],
    },
  },
];

export default config;
