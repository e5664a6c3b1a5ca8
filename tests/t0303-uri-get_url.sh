#!/bin/sh
test_description='uri and get_url against a local HTTP server'
. "$(dirname "$0")/lib.sh"

fleet_up 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# result FILE HOST: prints the result of an --json run as JSON.
result() {
	python3 -c "
import json, sys
print(json.dumps(json.load(open(sys.argv[1]))['plays'][0]['tasks'][0]['hosts'][sys.argv[2]]))
" "$1" "$2"
}

PORT=$(http_port)
URL=http://127.0.0.1:$PORT

cat >server.py <<'PY'
import base64, json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def reply(self, code, body, ctype="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        if self.path == "/json":
            return self.reply(200, '{"name": "drover", "list": [1, 2]}')
        if self.path == "/redirect":
            return self.reply(302, "", extra=[("Location", "/json")])
        if self.path.startswith("/status/"):
            return self.reply(int(self.path[8:]), "status page", "text/plain")
        if self.path == "/auth":
            want = "Basic " + base64.b64encode(b"bob:s3cret").decode()
            if self.headers.get("Authorization") != want:
                return self.reply(401, "no", "text/plain")
            return self.reply(200, "welcome", "text/plain")
        if self.path == "/headers":
            return self.reply(200, json.dumps({"x-token": self.headers.get("X-Token")}))
        if self.path.startswith("/files/"):
            p = os.path.join("www", self.path[7:])
            if os.path.isfile(p):
                return self.reply(200, open(p, "rb").read(), "application/octet-stream")
        return self.reply(404, "not here", "text/plain")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        self.reply(201, json.dumps({"body": body, "type": self.headers.get("Content-Type")}))
    do_PUT = do_POST

HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY

mkdir -p www
printf 'version one\n' >www/file.txt

test_expect_success 'start the server' '
	python3 server.py "$PORT" >server.log 2>&1 &
	echo $! >server.pid &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		curl -s "$URL/json" >/dev/null && break
		sleep 0.3
	done &&
	curl -s "$URL/json" >/dev/null
'
SERVER_PID=$(cat "$TRASH/server.pid" 2>/dev/null)

test_expect_success 'uri GET: status, msg, headers, content and json' '
	adhoc host1 --json -m uri -a "url=$URL/json return_content=yes" >r.json &&
	result r.json host1 >r &&
	python3 -c "
import json
r = json.load(open(\"r\"))
assert r[\"status\"] == 200 and r[\"changed\"] is False, r
assert r[\"msg\"] == \"OK (34 bytes)\", r[\"msg\"]
assert r[\"json\"] == {\"name\": \"drover\", \"list\": [1, 2]}, r.get(\"json\")
assert r[\"content\"] == json.dumps({\"name\": \"drover\", \"list\": [1, 2]})
assert r[\"content_type\"] == \"application/json\" and r[\"content_length\"] == \"34\"
assert r[\"redirected\"] is False and r[\"url\"] == \"$URL/json\"
"
'

test_expect_success 'uri follows a redirect for GET (redirected, final url)' '
	adhoc host1 --json -m uri -a "url=$URL/redirect" >r.json &&
	result r.json host1 >r &&
	python3 -c "
import json
r = json.load(open(\"r\"))
assert r[\"status\"] == 200 and r[\"redirected\"] is True and r[\"url\"] == \"$URL/json\", r
" &&
	adhoc host1 --json -m uri -a "url=$URL/redirect follow_redirects=none status_code=302" >r.json &&
	result r.json host1 | grep -q "\"status\": 302"
'

test_expect_success 'uri: a status not in status_code fails with Ansible words' '
	test_expect_code 2 adhoc host1 -o -m uri -a "url=$URL/status/404" >out &&
	test_grep "\"msg\": \"Status code was 404 and not \[200\]: HTTP Error 404: Not Found\"" out &&
	adhoc host1 -o -m uri -a "url=$URL/status/404 status_code=200,404" >out &&
	test_grep "SUCCESS" out
'

test_expect_success 'uri POST with body_format=json and form-urlencoded' '
	adhoc host1 --json -m uri -a "url=$URL/echo method=POST body_format=json status_code=201 return_content=yes body={\"a\":1}" >r.json &&
	result r.json host1 >r &&
	python3 -c "
import json
r = json.load(open(\"r\"))
assert r[\"json\"] == {\"body\": \"{\\\"a\\\": 1}\", \"type\": \"application/json\"} or json.loads(r[\"json\"][\"body\"]) == {\"a\": 1}, r
assert r[\"json\"][\"type\"] == \"application/json\"
" &&
	adhoc host1 --json -m uri -a "url=$URL/echo method=POST body_format=form-urlencoded status_code=201 return_content=yes body={\"q\":\"a b&c\",\"n\":\"1\"}" >r.json &&
	result r.json host1 >r &&
	python3 -c "
import json
r = json.load(open(\"r\"))
assert r[\"json\"][\"body\"] == \"q=a+b%26c&n=1\", r[\"json\"]
assert r[\"json\"][\"type\"] == \"application/x-www-form-urlencoded\"
"
'

test_expect_success 'uri: headers, basic auth, refused connection' '
	adhoc host1 --json -m uri -a "url=$URL/headers return_content=yes headers={\"X-Token\":\"t0k\"}" >r.json &&
	result r.json host1 | grep -q "\"x-token\": \"t0k\"" &&
	adhoc host1 -o -m uri -a "url=$URL/auth user=bob password=s3cret" >out &&
	test_grep "SUCCESS" out &&
	test_expect_code 2 adhoc host1 -o -m uri -a "url=$URL/auth user=bob password=wrong" >out &&
	test_grep "Status code was 401" out &&
	test_expect_code 2 adhoc host1 -o -m uri -a "url=http://127.0.0.1:1/" >out &&
	test_grep "Status code was -1 and not \[200\]: Request failed" out
'

test_expect_success 'get_url downloads, then is unchanged; mode applied' '
	adhoc host1 --json -m get_url -a "url=$URL/files/file.txt dest=$TRASH/got.txt mode=0640" >r.json &&
	result r.json host1 >r &&
	python3 -c "
import json
r = json.load(open(\"r\"))
assert r[\"changed\"] is True and r[\"status_code\"] == 200 and r[\"msg\"] == \"OK (12 bytes)\", r
assert r[\"mode\"] == \"0640\" and r[\"size\"] == 12 and r[\"checksum_dest\"] is None
" &&
	test_cmp www/file.txt got.txt &&
	test "$(stat -c %a got.txt)" = 640 &&
	adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/got.txt mode=0640" >out &&
	test_grep "SUCCESS.*file already exists" out
'

test_expect_success 'get_url force: replaced only when the content differs' '
	adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/got.txt force=yes" >out &&
	test_grep "SUCCESS" out &&
	printf "version two\n" >www/file.txt &&
	adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/got.txt force=yes _ansible_check_mode=true" >out &&
	test_grep "CHANGED" out &&
	grep -q "version one" got.txt &&
	adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/got.txt force=yes" >out &&
	test_grep "CHANGED" out &&
	test_cmp www/file.txt got.txt &&
	test "$(stat -c %a got.txt)" = 640
'

test_expect_success 'get_url into a folder, with checksum; a bad checksum fails and leaves nothing' '
	mkdir -p dl &&
	sum=$(sha256sum <www/file.txt | cut -d" " -f1) &&
	adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/dl/ checksum=sha256:$sum" >out &&
	test_grep "CHANGED" out &&
	test_cmp www/file.txt dl/file.txt &&
	test_expect_code 2 adhoc host1 -o -m get_url -a "url=$URL/files/file.txt dest=$TRASH/dl/other.txt checksum=sha256:0000" >out &&
	test_grep "The checksum for $TRASH/dl/other.txt did not match 0000; it was $sum." out &&
	test_path_is_missing dl/other.txt &&
	test "$(ls -A dl)" = file.txt
'

test_expect_success 'get_url: a 404 fails' '
	test_expect_code 2 adhoc host1 -o -m get_url -a "url=$URL/files/none dest=$TRASH/none.txt" >out &&
	test_grep "HTTP Error 404" out &&
	test_path_is_missing none.txt
'

server_stop
test_done
