
use builtin;
use str;

set edit:completion:arg-completer[mqtk] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mqtk'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mqtk'= {
            cand --help 'Print help'
            cand --version 'Print version'
            cand pub 'Publish messages (drop-in for mosquitto_pub)'
            cand generate 'Write shell completions and man pages into a directory'
        }
        &'mqtk;pub'= {
            cand -t 'Topic to publish to'
            cand --topic 'Topic to publish to'
            cand -m 'Send this message (bytes as given)'
            cand --message 'Send this message (bytes as given)'
            cand -f 'Send the contents of a file as the message'
            cand --file 'Send the contents of a file as the message'
            cand -q 'Quality of service: 0, 1 or 2 [default: 0]'
            cand --qos 'Quality of service: 0, 1 or 2 [default: 0]'
            cand --repeat 'Publish the message this many times (not with -l)'
            cand --repeat-delay 'Seconds to wait between repeats, after the previous one completes'
            cand -h 'Broker host name or address [default: localhost]'
            cand --host 'Broker host name or address [default: localhost]'
            cand -p 'Broker port [default: 1883]'
            cand --port 'Broker port [default: 1883]'
            cand -L 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC'
            cand --url 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password'
            cand --pw 'Password'
            cand -i 'Client id [default: assigned by the broker]'
            cand --id 'Client id [default: assigned by the broker]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keepalive in seconds (5..65535) [default: 60]'
            cand --keepalive 'Keepalive in seconds (5..65535) [default: 60]'
            cand -x 'v5 session expiry interval in seconds, or -1 / ∞ for never'
            cand -V 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]'
            cand --protocol-version 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]'
            cand -M 'Maximum QoS 1/2 messages in flight [default: 20]'
            cand -D 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE'
            cand --property 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE'
            cand --will-topic 'Topic of the last will'
            cand --will-payload 'Payload of the last will [default: empty]'
            cand --will-qos 'QoS of the last will [default: 0]'
            cand --cafile 'Not supported yet: TLS comes with the transports'
            cand --capath 'capath'
            cand --cert 'cert'
            cand --key 'key'
            cand --keyform 'keyform'
            cand --ciphers 'ciphers'
            cand --tls-version 'tls-version'
            cand --tls-alpn 'tls-alpn'
            cand --tls-engine 'tls-engine'
            cand --tls-engine-kpass-sha1 'tls-engine-kpass-sha1'
            cand --psk 'psk'
            cand --psk-identity 'psk-identity'
            cand --proxy 'proxy'
            cand --unix 'unix'
            cand -A 'A'
            cand -s 'Read all of stdin and send it as one message'
            cand --stdin-file 'Read all of stdin and send it as one message'
            cand -l 'Send each line of stdin as a message (streaming)'
            cand --stdin-line 'Send each line of stdin as a message (streaming)'
            cand -n 'Send a zero-length message'
            cand --null-message 'Send a zero-length message'
            cand -r 'Ask the broker to retain the message'
            cand --retain 'Ask the broker to retain the message'
            cand -c 'Keep the session on the broker (clean session off); needs -i'
            cand --disable-clean-session 'Keep the session on the broker (clean session off); needs -i'
            cand --will-retain 'Retain the last will'
            cand --nodelay 'Disable Nagle''s algorithm (TCP_NODELAY)'
            cand -d 'Print every packet as mosquitto''s -d does (on stdout)'
            cand --debug 'Print every packet as mosquitto''s -d does (on stdout)'
            cand --quiet 'Do not print runtime errors and warnings'
            cand --tls-use-os-certs 'tls-use-os-certs'
            cand --insecure 'insecure'
            cand --help 'Print help'
        }
        &'mqtk;generate'= {
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
