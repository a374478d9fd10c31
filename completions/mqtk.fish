# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mqtk_global_optspecs
    string join \n help version
end

function __fish_mqtk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mqtk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mqtk_using_subcommand
    set -l cmd (__fish_mqtk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mqtk -n "__fish_mqtk_needs_command" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_needs_command" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "pub" -d 'Publish a message: a drop-in for mosquitto_pub'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "sub" -d 'Subscribe and print messages: a drop-in for mosquitto_sub, plus JSONPath and NDJSON output'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "rr" -d 'Request/response: publish a request, wait for the response and print it (a drop-in for mosquitto_rr)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "bench" -d 'Benchmark a broker: throughput, latency percentiles, loss'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "retain-clear" -d 'Find retained messages under topic filters and clear them safely'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "generate" -d 'Write shell completions and man pages into a directory'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s t -l topic -d 'Topic to publish to' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s m -l message -d 'Send this message (bytes as given)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s f -l file -d 'Send the contents of a file as the message' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s q -l qos -d 'Quality of service: 0, 1 or 2 [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat -d 'Publish the message this many times (not with -l)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat-delay -d 'Seconds to wait between repeats, after the previous one completes' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l encode -d 'Read the message (-m, -f, -s, each -l line) as JSON and publish it encoded as FORMAT' -r -f -a "msgpack\t''
cbor\t''
protobuf\t''
sparkplug\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l proto -d 'protobuf schema: a .proto file (compiled at start-up) or a descriptor set' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l message-type -d 'The protobuf message type in --proto, with its package (pkg.Type)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l replay -d 'Publish the messages `mqtk sub --json` recorded in FILE (- for stdin), each to its own topic' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l replay-speed -d 'With --replay: 1 keeps the recorded gaps, 2 halves them… [default: as fast as flow control allows]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s h -l host -d 'Broker host name or address [default: localhost]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s p -l port -d 'Broker port [default: 1883]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s L -l url -d 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s u -l username -d 'Username' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s P -l pw -d 'Password' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s i -l id -d 'Client id [default: assigned by the broker]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s k -l keepalive -d 'Keepalive in seconds (5..65535) [default: 60]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s x -d 'v5 session expiry interval in seconds, or -1 / ∞ for never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s V -l protocol-version -d 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker\'s receive maximum, up to 1000]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l trace-format -d '--trace output: text (for people) or json (one object per packet); implies --trace' -r -f -a "text\t''
json\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s o -d 'Read options from this file (one option per line) instead of the default options file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l pw-file -d 'Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cafile -d 'Trust the CA certificates in this PEM file (turns TLS on; default port 8883)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l capath -d 'Trust the CA certificates (PEM) in this directory (turns TLS on)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cert -d 'Client certificate for mutual TLS (PEM; needs --key)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l key -d 'Client private key for mutual TLS (PEM; needs --cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l keyform -d 'Key format: pem (engine is not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l ciphers -d 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-version -d 'TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-alpn -d 'ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine -d 'OpenSSL engine (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine-kpass-sha1 -d 'OpenSSL engine key password hash (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk -d 'TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk-identity -d 'TLS-PSK identity' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-keylog -d 'Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l proxy -d 'Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l unix -d 'Connect to a Unix domain socket' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s A -d 'Connect from this local address' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s s -l stdin-file -d 'Read all of stdin and send it as one message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s n -l null-message -d 'Send a zero-length message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s l -l stdin-line -d 'Send each line of stdin as a message (streaming)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s r -l retain -d 'Ask the broker to retain the message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l strict -d 'With --replay: check every record before sending any'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l trace -d 'Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-use-os-certs -d 'Trust the operating system\'s CA certificates (turns TLS on)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l insecure -d 'Do not check the broker\'s host name (mqtk: nor its certificate chain)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l ws -d 'Connect over WebSockets (path /mqtt; with TLS options: wss)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l no-tls -d 'Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s t -l topic -d 'Topic filter to subscribe to (repeatable; + and # wildcards)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s T -l filter-out -d 'Do not print messages whose topic matches this filter (repeatable)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s U -l unsubscribe -d 'Unsubscribe from this filter after subscribing (repeatable)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s q -l qos -d 'Subscription QoS: 0, 1 or 2 [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s F -d 'Output format (%t topic, %p payload, %j JSON, @H:@M strftime, %{$.path} JSONPath …)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s C -d 'Exit after this many messages' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s W -d 'Exit with status 27 after this many seconds' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retain-handling -d 'v5: when the broker sends retained messages: always, new (new subscriptions only) or never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l random-filter -d 'Print only this percentage of messages, picked at random' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l json-path -d 'Print the value(s) this JSONPath selects from each JSON payload instead of the payload (repeatable; not with -F)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l where -d 'Keep only messages for which this JSONPath selects something, e.g. \'$[?@.temp > 30]\' (repeatable: all must match)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l decode -d 'Decode each payload as FORMAT for --where, --json-path, %{…}, --json and plain output (auto: by the v5 content type, else JSON)' -r -f -a "json\t''
msgpack\t''
cbor\t''
protobuf\t''
sparkplug\t''
auto\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l proto -d 'protobuf schema: a .proto file (compiled at start-up) or a descriptor set' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s h -l host -d 'Broker host name or address [default: localhost]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s p -l port -d 'Broker port [default: 1883]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s L -l url -d 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s u -l username -d 'Username' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s P -l pw -d 'Password' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s i -l id -d 'Client id [default: assigned by the broker]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s k -l keepalive -d 'Keepalive in seconds (5..65535) [default: 60]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s x -d 'v5 session expiry interval in seconds, or -1 / ∞ for never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s V -l protocol-version -d 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker\'s receive maximum, up to 1000]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l trace-format -d '--trace output: text (for people) or json (one object per packet); implies --trace' -r -f -a "text\t''
json\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s o -d 'Read options from this file (one option per line) instead of the default options file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l pw-file -d 'Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l cafile -d 'Trust the CA certificates in this PEM file (turns TLS on; default port 8883)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l capath -d 'Trust the CA certificates (PEM) in this directory (turns TLS on)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l cert -d 'Client certificate for mutual TLS (PEM; needs --key)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l key -d 'Client private key for mutual TLS (PEM; needs --cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l keyform -d 'Key format: pem (engine is not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l ciphers -d 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-version -d 'TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-alpn -d 'ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-engine -d 'OpenSSL engine (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-engine-kpass-sha1 -d 'OpenSSL engine key password hash (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l psk -d 'TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l psk-identity -d 'TLS-PSK identity' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-keylog -d 'Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l proxy -d 'Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l unix -d 'Connect to a Unix domain socket' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s A -d 'Connect from this local address' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l message-type -d 'The protobuf message type in --proto, with its package (pkg.Type)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s v -l verbose -d 'Print the topic before the payload'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s N -d 'Do not add a newline after each message'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l pretty -d 'Indent JSON output (%j, %J, --json)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s R -d 'Do not print retained messages'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s E -d 'Exit once the subscriptions are acknowledged'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retained-only -d 'Print only retained messages; stop at the first live one'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l remove-retained -d 'Clear each retained message received (empty retained publish at QoS 1)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l retain-as-published -d 'v5: keep the retain flag of forwarded messages'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l message-rate -d 'Print how many messages arrived each second instead of the messages'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s w -l watch -d 'Print each topic\'s messages on its own fixed terminal line (ANSI; mqtk: plain lines when stdout is not a terminal)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l strict -d 'Treat a non-JSON payload or a path that selects nothing as an error (exit 65)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l json -d 'Print each message as one JSON object per line (NDJSON; not with --json-path, -F, -v or -N)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l trace -d 'Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l tls-use-os-certs -d 'Trust the operating system\'s CA certificates (turns TLS on)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l insecure -d 'Do not check the broker\'s host name (mqtk: nor its certificate chain)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l ws -d 'Connect over WebSockets (path /mqtt; with TLS options: wss)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l no-tls -d 'Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand sub" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s t -l topic -d 'Topic the request is published to' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s e -d 'Response topic: subscribed to, and sent with the request (MQTT v5)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s m -l message -d 'Send this message (bytes as given)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s f -l file -d 'Send the contents of a file as the message' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s q -l qos -d 'QoS of the request and of the response subscription: 0, 1 or 2 [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s W -d 'Exit with status 27 when no response came within this many seconds' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l retain-handling -d 'v5: when the broker sends retained messages: always, new (new subscriptions only) or never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s F -d 'Output format (%t topic, %p payload, %j JSON, @H:@M strftime, %{$.path} JSONPath …)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s C -d 'Wait for this many responses [default: 1]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l json-path -d 'Print the value(s) this JSONPath selects from each JSON payload instead of the payload (repeatable; not with -F)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l where -d 'Keep only messages for which this JSONPath selects something, e.g. \'$[?@.temp > 30]\' (repeatable: all must match)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l decode -d 'Decode each payload as FORMAT for --where, --json-path, %{…}, --json and plain output (auto: by the v5 content type, else JSON)' -r -f -a "json\t''
msgpack\t''
cbor\t''
protobuf\t''
sparkplug\t''
auto\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l proto -d 'protobuf schema: a .proto file (compiled at start-up) or a descriptor set' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l message-type -d 'The protobuf message type in --proto, with its package (pkg.Type)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s h -l host -d 'Broker host name or address [default: localhost]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s p -l port -d 'Broker port [default: 1883]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s L -l url -d 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s u -l username -d 'Username' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s P -l pw -d 'Password' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s i -l id -d 'Client id [default: assigned by the broker]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s k -l keepalive -d 'Keepalive in seconds (5..65535) [default: 60]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s x -d 'v5 session expiry interval in seconds, or -1 / ∞ for never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker\'s receive maximum, up to 1000]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l trace-format -d '--trace output: text (for people) or json (one object per packet); implies --trace' -r -f -a "text\t''
json\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s o -d 'Read options from this file (one option per line) instead of the default options file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l pw-file -d 'Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l cafile -d 'Trust the CA certificates in this PEM file (turns TLS on; default port 8883)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l capath -d 'Trust the CA certificates (PEM) in this directory (turns TLS on)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l cert -d 'Client certificate for mutual TLS (PEM; needs --key)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l key -d 'Client private key for mutual TLS (PEM; needs --cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l keyform -d 'Key format: pem (engine is not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l ciphers -d 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-version -d 'TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-alpn -d 'ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-engine -d 'OpenSSL engine (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-engine-kpass-sha1 -d 'OpenSSL engine key password hash (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l psk -d 'TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l psk-identity -d 'TLS-PSK identity' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-keylog -d 'Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l proxy -d 'Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l unix -d 'Connect to a Unix domain socket' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s A -d 'Connect from this local address' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s V -l protocol-version -d 'MQTT version: 5, 311 or 31 (also mqttv5, mqttv311, mqttv31) [default: 5]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s s -l stdin-file -d 'Read all of stdin and send it as one message'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s n -l null-message -d 'Send a zero-length message'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l latency -d 'Print the time from publishing the request to the response\'s arrival'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l retain-as-published -d 'v5: keep the retain flag of forwarded messages'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s R -d 'Do not print retained messages (v5: ask for none)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s v -l verbose -d 'Print the topic before the payload'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s N -d 'Do not add a newline after each message'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l pretty -d 'Indent JSON output (%j, %J, --json)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l strict -d 'Treat a non-JSON payload or a path that selects nothing as an error (exit 65)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l json -d 'Print each message as one JSON object per line (NDJSON; not with --json-path, -F, -v or -N)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l trace -d 'Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l tls-use-os-certs -d 'Trust the operating system\'s CA certificates (turns TLS on)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l insecure -d 'Do not check the broker\'s host name (mqtk: nor its certificate chain)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l ws -d 'Connect over WebSockets (path /mqtt; with TLS options: wss)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l no-tls -d 'Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand rr" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l start-at -d 'Start publishing at this wall-clock time (RFC 3339, or +SECONDS from now), so runs on several hosts measure the same window' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l pubs -d 'Publishers' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l subs -d 'Subscribers' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l clients -d 'Connections for `bench conn`' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l count -d 'Messages per publisher (instead of --duration); `bench sub`: messages to receive in total' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l duration -d 'Seconds to publish after the warm-up [default: 10]; `bench conn`: seconds to hold every connection open once all are tried (without it, they close as soon as all are up)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l warmup -d 'Seconds at the start excluded from the results [default: 1 with --duration, 0 with --count]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s q -l qos -d 'QoS of publishes and subscriptions: 0, 1 or 2' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l qos-mix -d 'QoS of each publisher in turn, e.g. 0,0,1,2 (subscribers use the highest; instead of -q)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l size -d 'Payload size in bytes, up to the MQTT limit; under 20 (no room for sequence number and send time) only counts and loss are measured' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l payload -d 'Payload after the 20-byte bench header: a template with {seq}, {ts} (µs since the epoch), {client} and {rand:A..B}; anything else is literal' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l payload-file -d 'Like --payload, with the template read from a file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l rate -d 'Offered load in messages per second over all publishers [default: as fast as possible]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l inflight -d 'QoS 1/2 messages in flight per publisher (same as -M) [default: 20]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l ifaddr -d 'Local source addresses to connect from, used in turn (127.0.0.0/8 on loopback): more connections than one address has ports. `-A` with a list of addresses does the same' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l churn -d '`bench conn --duration`: close and reopen this many held connections per second' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l connect-rate -d 'New connections per second [default: all at once]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s t -l topic -d 'Publisher topic template: %i publisher index, %c client id, %t topic number (--topics)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l sub-topic -d 'Subscriber filter template: %i subscriber index, %c client id [default: the topic with %i, %c and %t as +]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l topics -d 'Topics each publisher cycles over (message n to topic n mod N): %t in the topic template, or a last level /%t added' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l series -d 'Write a per-second series (sent, acked, received) to this file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l series-format -d 'Series format' -r -f -a "csv\t''
ndjson\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l prometheus -d 'Serve the live counters for Prometheus on http://ADDR/metrics while the run lasts (e.g. 127.0.0.1:9100)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s h -l host -d 'Broker host name or address [default: localhost]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s p -l port -d 'Broker port [default: 1883]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s L -l url -d 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s u -l username -d 'Username' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s P -l pw -d 'Password' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s i -l id -d 'Client id [default: assigned by the broker]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s k -l keepalive -d 'Keepalive in seconds (5..65535) [default: 60]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s x -d 'v5 session expiry interval in seconds, or -1 / ∞ for never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s V -l protocol-version -d 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker\'s receive maximum, up to 1000]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l trace-format -d '--trace output: text (for people) or json (one object per packet); implies --trace' -r -f -a "text\t''
json\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s o -d 'Read options from this file (one option per line) instead of the default options file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l pw-file -d 'Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l cafile -d 'Trust the CA certificates in this PEM file (turns TLS on; default port 8883)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l capath -d 'Trust the CA certificates (PEM) in this directory (turns TLS on)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l cert -d 'Client certificate for mutual TLS (PEM; needs --key)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l key -d 'Client private key for mutual TLS (PEM; needs --cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l keyform -d 'Key format: pem (engine is not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l ciphers -d 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-version -d 'TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-alpn -d 'ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-engine -d 'OpenSSL engine (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-engine-kpass-sha1 -d 'OpenSSL engine key password hash (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l psk -d 'TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l psk-identity -d 'TLS-PSK identity' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-keylog -d 'Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l proxy -d 'Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l unix -d 'Connect to a Unix domain socket' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s A -d 'Connect from this local address' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l json -d 'Print the summary as JSON on stdout'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l trace -d 'Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l tls-use-os-certs -d 'Trust the operating system\'s CA certificates (turns TLS on)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l insecure -d 'Do not check the broker\'s host name (mqtk: nor its certificate chain)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l ws -d 'Connect over WebSockets (path /mqtt; with TLS options: wss)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l no-tls -d 'Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand bench" -l version -d 'Print version'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s t -l topic -d 'Clear retained messages whose topic matches this filter (repeatable; + and # wildcards)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s T -l exclude -d 'Leave topics matching this filter alone (repeatable)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l idle -d 'Collection ends after this long without a new retained message (or at the first live one)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s W -d 'Give up after this many seconds in all (exit 27)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s h -l host -d 'Broker host name or address [default: localhost]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s p -l port -d 'Broker port [default: 1883]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s L -l url -d 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s u -l username -d 'Username' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s P -l pw -d 'Password' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s i -l id -d 'Client id [default: assigned by the broker]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s k -l keepalive -d 'Keepalive in seconds (5..65535) [default: 60]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s x -d 'v5 session expiry interval in seconds, or -1 / ∞ for never' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s V -l protocol-version -d 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20; `mqtk pub -l` in MQTT v5: the broker\'s receive maximum, up to 1000]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l trace-format -d '--trace output: text (for people) or json (one object per packet); implies --trace' -r -f -a "text\t''
json\t''"
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s o -d 'Read options from this file (one option per line) instead of the default options file' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l pw-file -d 'Password from the first line of this file (mqtk; or set MQTK_PASSWORD, used with -u)' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l cafile -d 'Trust the CA certificates in this PEM file (turns TLS on; default port 8883)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l capath -d 'Trust the CA certificates (PEM) in this directory (turns TLS on)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l cert -d 'Client certificate for mutual TLS (PEM; needs --key)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l key -d 'Client private key for mutual TLS (PEM; needs --cert)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l keyform -d 'Key format: pem (engine is not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l ciphers -d 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites with --tls-version tlsv1.3)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-version -d 'TLS version: tlsv1.3 or tlsv1.2 (mqtk: only this one; mosquitto: this or later)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-alpn -d 'ALPN protocol to offer' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-engine -d 'OpenSSL engine (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-engine-kpass-sha1 -d 'OpenSSL engine key password hash (not supported)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l psk -d 'TLS-PSK key, hexadecimal (needs --psk-identity; instead of --cafile/--capath)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l psk-identity -d 'TLS-PSK identity' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-keylog -d 'Append the TLS session secrets to this file (NSS key log format, for Wireshark; debugging only)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l proxy -d 'Connect through a proxy: socks5h://[USER[:PASS]@]HOST[:PORT] (mqtk also: http://…)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l unix -d 'Connect to a Unix domain socket' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s A -d 'Connect from this local address' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l dry-run -d 'List what would be cleared (bytes, tab, topic; one line each) and clear nothing'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l verify -d 'Subscribe again after clearing and fail (exit 75) if any retained message is left'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l yes -d 'Do not ask before clearing everything (-t \'#\'); required when there is no terminal'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l json -d 'Print the summary as one JSON object on stdout'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l trace -d 'Show every packet on stderr with its fields, and time each QoS 1/2 handshake (mqtk only)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l tls-use-os-certs -d 'Trust the operating system\'s CA certificates (turns TLS on)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l insecure -d 'Do not check the broker\'s host name (mqtk: nor its certificate chain)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l ws -d 'Connect over WebSockets (path /mqtt; with TLS options: wss)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l no-tls -d 'Do not use TLS, whatever else would turn it on (a CA file, mqtts://, port 8883)'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand retain-clear" -l version -d 'Print version'
