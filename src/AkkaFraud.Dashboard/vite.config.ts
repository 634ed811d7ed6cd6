import { defineConfig } from "vite";

// The node (src/AkkaFraud.Node) serves the built files from its wwwroot and answers
// /api, /hubs/live, /alive and /ready. In `npm run dev` Vite proxies those to a node
// running locally (embedded mode listens on http://localhost:5080 by default).
const node = process.env.AKKAFRAUD_NODE_URL ?? "http://localhost:5080";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../AkkaFraud.Node/wwwroot",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      "/api": { target: node, changeOrigin: true },
      "/hubs": { target: node, changeOrigin: true, ws: true },
      "/alive": { target: node, changeOrigin: true },
      "/ready": { target: node, changeOrigin: true },
    },
  },
  preview: { port: 4173 },
});
