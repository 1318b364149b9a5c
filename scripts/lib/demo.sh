# shellcheck shell=bash
# The demo's settings and its curl cases, shared by scripts/run (prints them) and scripts/demo-smoke (runs and
# checks them), so that what the README shows, what run prints and what CI checks cannot drift apart.
# Sourced from the repo root; defines variables and functions only.

# Ports: the defaults are those of config/gateway.yaml; other values make scripts/run write a copy of it.
AUTHGATE_DEMO_PORT="${AUTHGATE_DEMO_PORT:-8443}"
AUTHGATE_ECHO_PORT="${AUTHGATE_ECHO_PORT:-3000}"
AUTHGATE_ADMIN_PORT="${AUTHGATE_ADMIN_PORT:-9901}"
DEMO_URL="https://localhost:${AUTHGATE_DEMO_PORT}"
DEMO_JAR="gateway/target/authgate.jar"

# Demo secrets, read by config/gateway.yaml through ${env:...}. Public demo values: the demo listens on loopback.
# Set any of them before scripts/run to use your own.
DEMO_DEFAULT_BEARER_TOKEN="demo-token-ci-bot-7f3a91"
DEMO_DEFAULT_API_KEY="demo-key-billing-5c2e08"
DEMO_DEFAULT_GITHUB_SECRET="demo-github-webhook-secret"
DEMO_DEFAULT_SLACK_SECRET="demo-slack-signing-secret"
export DEMO_BEARER_TOKEN="${DEMO_BEARER_TOKEN:-$DEMO_DEFAULT_BEARER_TOKEN}"
export DEMO_API_KEY="${DEMO_API_KEY:-$DEMO_DEFAULT_API_KEY}"
export DEMO_GITHUB_SECRET="${DEMO_GITHUB_SECRET:-$DEMO_DEFAULT_GITHUB_SECRET}"
export DEMO_SLACK_SECRET="${DEMO_SLACK_SECRET:-$DEMO_DEFAULT_SLACK_SECRET}"
# Fixed: config/gateway.yaml holds its bcrypt hash (cost 10), not the password.
DEMO_ALICE_PASSWORD="alice-demo-password"
DEMO_GITHUB_BODY="config/examples/github-push.json"
# The same event indented by 2 spaces (no trailing newline): signed as it is, sent compact, for the re-serialized JSON line.
DEMO_GITHUB_INDENTED_BODY="config/examples/github-push-indented.json"
DEMO_GITHUB_COMPACT='{"ref":"refs/heads/main","repository":{"full_name":"acme/orders"},"zen":"Keep it logically awesome."}'

# What scripts/gen-certs writes into certs/ and the demo uses: TLS, the mtls routes' client CA and client
# certificates, the jwt route's issuer key pair. scripts/run runs gen-certs when any is missing.
# shellcheck disable=SC2034 # used by the scripts that source this file
DEMO_CERT_FILES=(ca.crt ca.key server.crt server.key client-ca.crt client-ca.key client.crt client.key
                 client-other.crt client-other.key jwt-demo.key jwt-demo.pub)
# The jwt route's issuer (config/gateway.yaml); tokens for it are signed with certs/jwt-demo.key.
DEMO_JWT_ISSUER="https://demo.authgate.dev/"

# True when every value is the default, i.e. the printed curl lines are exactly the README's.
demo_uses_defaults() {
  [[ $AUTHGATE_DEMO_PORT == 8443 && $DEMO_BEARER_TOKEN == "$DEMO_DEFAULT_BEARER_TOKEN"
     && $DEMO_API_KEY == "$DEMO_DEFAULT_API_KEY" && $DEMO_GITHUB_SECRET == "$DEMO_DEFAULT_GITHUB_SECRET"
     && $DEMO_SLACK_SECRET == "$DEMO_DEFAULT_SLACK_SECRET" ]]
}

# The config the demo runs: config/gateway.yaml as it is, or, with other ports, a copy with the ports replaced
# (written under gateway/target/, with the certificate paths made absolute). Prints its path.
demo_config() {
  if [[ $AUTHGATE_DEMO_PORT == 8443 && $AUTHGATE_ECHO_PORT == 3000 && $AUTHGATE_ADMIN_PORT == 9901 ]]; then
    echo "config/gateway.yaml"
    return
  fi
  local out="gateway/target/demo/gateway.yaml" root
  root="$(pwd)"
  for needle in "address: 127.0.0.1:8443" "url: http://127.0.0.1:3000" "address: 127.0.0.1:9901" "../certs/"; do
    if ! grep -qF -- "$needle" config/gateway.yaml; then
      echo "cannot override ports: config/gateway.yaml no longer contains '$needle'" >&2
      return 1
    fi
  done
  mkdir -p "$(dirname "$out")"
  sed -e "s#address: 127.0.0.1:8443#address: 127.0.0.1:${AUTHGATE_DEMO_PORT}#" \
      -e "s#url: http://127.0.0.1:3000#url: http://127.0.0.1:${AUTHGATE_ECHO_PORT}#" \
      -e "s#address: 127.0.0.1:9901#address: 127.0.0.1:${AUTHGATE_ADMIN_PORT}#" \
      -e "s#\.\./certs/#${root}/certs/#g" \
      config/gateway.yaml > "$out"
  echo "$out"
}

# The X-Hub-Signature-256 value for the demo body (or the body file given), as `authgate sign` prints it. Empty if
# sign fails.
demo_sign_github() {
  local config=$1 body=${2:-$DEMO_GITHUB_BODY}
  java -jar "$DEMO_JAR" sign --config "$config" --route github --body "$body" 2>/dev/null \
    | tr -d '\r' | sed -n 's/^[Xx]-[Hh]ub-[Ss]ignature-256:[[:space:]]*//p' | head -n 1 || true
}

# The same value computed independently with openssl (what GitHub does: HMAC-SHA256 of the raw body, hex).
demo_openssl_github() {
  local body=${1:-$DEMO_GITHUB_BODY}
  printf 'sha256=%s\n' "$(openssl dgst -sha256 -hmac "$DEMO_GITHUB_SECRET" < "$body" | awk '{print $NF}')"
}

# Tokens minted at run time (`authgate jwt mint`). A case's curl line shows the command that mints its token,
# `$(java -jar ... jwt mint ...)` inside double quotes, so that the printed line stays copy-pasteable and its token
# fresh; scripts/demo-smoke sends the real token. demo_token VAR MINT-ARGS... sets VAR to the token (with
# DEMO_MINT=run; if minting fails, it says so on stderr and VAR is empty) or to the shown command (by default), and
# remembers which text demo_line shows in its place.
DEMO_MINT="${DEMO_MINT:-print}"
DEMO_SHOWN_VALUES=()
DEMO_SHOWN_AS=()
demo_token() {
  local var=$1 shown value
  shift
  shown="\$($(demo_quote java -jar "$DEMO_JAR" jwt mint "$@"))"
  if [[ $DEMO_MINT == run ]]; then
    value="$(java -jar "$DEMO_JAR" jwt mint "$@")" || { echo "demo: authgate jwt mint $* failed" >&2; value=""; }
  else
    value=$shown
  fi
  printf -v "$var" '%s' "$value"
  if [[ -n $value ]]; then
    DEMO_SHOWN_VALUES+=("$value")
    DEMO_SHOWN_AS+=("$shown")
  fi
}

# demo_quote, but a word holding a token from demo_token shows the command that mints it, in double quotes.
demo_line() {
  local words=() a i shown
  for a in "$@"; do
    shown=false
    for i in "${!DEMO_SHOWN_VALUES[@]}"; do
      if [[ $a == *"${DEMO_SHOWN_VALUES[$i]}"* ]]; then
        a=${a//"${DEMO_SHOWN_VALUES[$i]}"/"${DEMO_SHOWN_AS[$i]}"}
        shown=true
      fi
    done
    if $shown; then words+=("\"$a\""); else words+=("$(demo_quote "$a")"); fi
  done
  local IFS=' '
  printf '%s\n' "${words[*]}"
}

# Prints its arguments as one shell line, quoting only the words that need it.
demo_quote() {
  local out="" a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
      out+=" $a"
    else
      out+=" '${a//\'/\'\\\'\'}'"
    fi
  done
  printf '%s\n' "${out# }"
}

# The options every demo curl line starts with.
# shellcheck disable=SC2034 # used by the scripts that source this file
DEMO_CURL=(curl -i --cacert certs/ca.crt)

# The cases, in the README's order. Each is:
#   demo_case STATUS EXPECT SOURCE TITLE CURL-ARGS...
# STATUS  the HTTP status
# EXPECT  for a gateway rejection its reason code; for a forwarded request SCHEME/IDENTITY as the upstream sees them
#         in X-Auth-Scheme/X-Auth-Identity (- for no identity); - otherwise
# SOURCE  gateway (Server: authgate) or upstream (Via: 1.1 authgate-demo, no Server: authgate)
# The caller defines demo_case; DEMO_GITHUB_SIGNATURE and DEMO_GITHUB_INDENTED_SIGNATURE must be set. The jwt
# cases' tokens come from demo_token (above); the mtls cases use the client certificates scripts/gen-certs makes.
demo_cases() {
  local u=$DEMO_URL tok=$DEMO_BEARER_TOKEN key=$DEMO_API_KEY sig=$DEMO_GITHUB_SIGNATURE
  local isig=$DEMO_GITHUB_INDENTED_SIGNATURE
  local zeros=0000000000000000000000000000000000000000000000000000000000000000
  demo_case 200 none/- upstream "an open route (auth: none)" \
    "$u/health"
  demo_case 200 bearer/ci-bot upstream "a valid bearer token; the upstream (authgate echo) shows what it received" \
    -H "Authorization: Bearer $tok" "$u/api/orders"
  demo_case 401 credentials_missing gateway "no credential at all" \
    "$u/api/orders"
  demo_case 401 bearer_prefix_missing gateway "the token without the word Bearer" \
    -H "Authorization: $tok" "$u/api/orders"
  demo_case 401 scheme_mismatch gateway "Basic credentials where Bearer is expected" \
    -u "alice:$DEMO_ALICE_PASSWORD" "$u/api/orders"
  demo_case 401 credentials_invalid gateway "a token the route does not know" \
    -H "Authorization: Bearer not-a-known-token" "$u/api/orders"
  demo_case 401 credentials_whitespace gateway "two spaces after Bearer (a copy-paste accident)" \
    -H "Authorization: Bearer  $tok" "$u/api/orders"
  demo_case 401 credentials_malformed gateway "the header value URL-encoded (Bearer%20 for 'Bearer '): the detail says so" \
    -H "Authorization: Bearer%20$tok" "$u/api/orders"
  demo_case 200 api_key/billing upstream "a valid API key in X-API-Key" \
    -H "X-API-Key: $key" "$u/reports"
  demo_case 401 credentials_in_wrong_header gateway "the right API key in the wrong header" \
    -H "Authorization: Bearer $key" "$u/reports"
  demo_case 200 basic/alice upstream "Basic with alice's password (hide_credentials: Authorization is not forwarded)" \
    -u "alice:$DEMO_ALICE_PASSWORD" "$u/admin/users"
  demo_case 401 credentials_invalid gateway "Basic with a wrong password (it never says whether the user exists)" \
    -u "alice:wrong-password" "$u/admin/users"
  demo_case 401 credentials_malformed gateway "Basic credentials without the colon (base64 of just 'alice')" \
    -H "Authorization: Basic YWxpY2U=" "$u/admin/users"
  demo_case 200 hmac/github upstream "a GitHub delivery signed with the demo secret (the header authgate sign prints)" \
    -H "X-Hub-Signature-256: $sig" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "@$DEMO_GITHUB_BODY" "$u/webhooks/github"
  demo_case 401 signature_mismatch gateway "the same signature over a changed body" \
    -H "X-Hub-Signature-256: $sig" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary '{"ref":"refs/heads/evil"}' "$u/webhooks/github"
  demo_case 401 signature_mismatch gateway "signed as indented JSON, delivered compact: the detail names the re-serialized JSON" \
    -H "X-Hub-Signature-256: $isig" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "$DEMO_GITHUB_COMPACT" "$u/webhooks/github"
  demo_case 401 signature_missing gateway "an unsigned delivery" \
    -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "@$DEMO_GITHUB_BODY" "$u/webhooks/github"
  demo_case 401 signature_malformed gateway "a signature without its sha256= prefix" \
    -H "X-Hub-Signature-256: ${sig#sha256=}" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "@$DEMO_GITHUB_BODY" "$u/webhooks/github"
  demo_case 200 hmac/github upstream "a replay-protected route (replay: { key: signature }): the first delivery passes" \
    -H "X-Hub-Signature-256: $sig" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "@$DEMO_GITHUB_BODY" "$u/webhooks/deploy"
  demo_case 401 replayed gateway "the same delivery sent again" \
    -H "X-Hub-Signature-256: $sig" -H "X-GitHub-Event: push" -H "Content-Type: application/json" \
    --data-binary "@$DEMO_GITHUB_BODY" "$u/webhooks/deploy"
  demo_case 401 timestamp_missing gateway "a Slack request without X-Slack-Request-Timestamp" \
    -H "X-Slack-Signature: v0=$zeros" --data-binary "token=demo" "$u/webhooks/slack"
  demo_case 401 timestamp_out_of_window gateway "a Slack request signed in November 2023 (tolerance 5m; checked before the signature)" \
    -H "X-Slack-Request-Timestamp: 1700000000" -H "X-Slack-Signature: v0=$zeros" \
    --data-binary "token=demo" "$u/webhooks/slack"
  demo_case 200 api_key/partner upstream "an any: route (bearer or API key), here with the API key" \
    -H "X-API-Key: $key" "$u/partners/orders"
  local mint=(--key certs/jwt-demo.key --iss "$DEMO_JWT_ISSUER" --sub demo-client)
  local jwt jwt_expired jwt_other_aud jwt_no_scope
  demo_token jwt "${mint[@]}" --aud orders-api --scope orders:read
  demo_token jwt_expired "${mint[@]}" --aud orders-api --scope orders:read --expires-in=-1h
  demo_token jwt_other_aud "${mint[@]}" --aud billing-api --scope orders:read
  demo_token jwt_no_scope "${mint[@]}" --aud orders-api --scope orders:write
  demo_case 200 jwt/demo-client upstream "a JWT from the demo issuer, minted as you paste the line" \
    -H "Authorization: Bearer $jwt" "$u/orders/42"
  demo_case 401 token_expired gateway "a JWT that expired an hour ago (the detail says when)" \
    -H "Authorization: Bearer $jwt_expired" "$u/orders/42"
  demo_case 401 token_audience_mismatch gateway "a JWT for another audience (billing-api, not orders-api)" \
    -H "Authorization: Bearer $jwt_other_aud" "$u/orders/42"
  demo_case 403 scope_insufficient gateway "a valid JWT without the route's scope orders:read" \
    -H "Authorization: Bearer $jwt_no_scope" "$u/orders/42"
  demo_case 200 mtls/spiffe://authgate.demo/partner upstream "the partner's client certificate (the upstream gets it in Client-Cert)" \
    --cert certs/client.crt --key certs/client.key "$u/ledger/entries"
  demo_case 401 client_certificate_missing gateway "no client certificate on an mtls route" \
    "$u/ledger/entries"
  demo_case 403 client_certificate_not_allowed gateway "a certificate from the same CA that the route does not list" \
    --cert certs/client-other.crt --key certs/client-other.key "$u/ledger/entries"
  demo_case 200 mtls+api_key/spiffe://authgate.demo/partner upstream "an all: route: the certificate AND the API key" \
    --cert certs/client.crt --key certs/client.key -H "X-API-Key: $key" "$u/payouts/run"
  demo_case 401 credentials_missing gateway "the certificate without the API key (all: needs both)" \
    --cert certs/client.crt --key certs/client.key "$u/payouts/run"
  demo_case 204 - gateway "an auth-only check route: the gateway answers 204 itself" \
    -H "Authorization: Bearer $tok" "$u/auth/check"
  demo_case 404 route_not_found gateway "no route for this path (webhook, not webhooks)" \
    "$u/webhook/github"
  demo_case 405 method_not_allowed gateway "the route exists, the method does not (Allow: POST)" \
    "$u/webhooks/github"
}
