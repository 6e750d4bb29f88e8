// `npm run generate` (make clients) writes src/ from the API's spec; do not edit src/ by hand.
export default {
  input: "../../openapi.json",
  output: { path: "src", postProcess: [] },
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
};
