/** What `npm run start -w @koi/engine-sim -- --help` prints; the flags are those of FLAGS in config.ts. */
export const SIM_USAGE = `usage: npm run start -w @koi/engine-sim -- [options]

Runs a simulated Orca cluster and a simulated Tuna router on this machine, for the demo, tests and benchmarks.

Options:
  --config FILE.json              the whole configuration (see ZSimConfig in apps/engine-sim/src/config.ts;
                                  apps/engine-sim/demo/*.json are examples); flags below override it
  --orca-port N                   Orca's HTTP API                            default 26336
  --tuna-port N                   Tuna router                                default 8080
  --host H                        address to listen on                       default 127.0.0.1
  --speed X                       simulated seconds per real second          default 60
  --seed N                        random seed (same seed, same run)          default 1
  --tick-ms N                     real ms between simulation ticks           default 200
  --koi-service-url URL           where Orca sends webhooks (also $KOI_SERVICE_URL); unset: none
  --orca-api-key KEY              Bearer key Orca's write calls need (also $ORCA_API_KEY)
  --tuna-api-key KEY              the router's API key (also $API_KEY)
  --tuna-rps R                    synthetic requests per simulated second through the router
  --spot-preemption-per-hour P    chance per hour that a spot replica is preempted
  -h, --help                      this text

Example (ports clear of the demo's 26336/26337/8080):
  npm run start -w @koi/engine-sim -- --orca-port 27336 --tuna-port 9080 --speed 60
`;
