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
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "pub" -d 'Publish messages (drop-in for mosquitto_pub)'
complete -c mqtk -n "__fish_mqtk_needs_command" -f -a "generate" -d 'Write shell completions and man pages into a directory'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s t -l topic -d 'Topic to publish to' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s m -l message -d 'Send this message (bytes as given)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s f -l file -d 'Send the contents of a file as the message' -r -F
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s q -l qos -d 'Quality of service: 0, 1 or 2 [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat -d 'Publish the message this many times (not with -l)' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l repeat-delay -d 'Seconds to wait between repeats, after the previous one completes' -r
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
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s M -d 'Maximum QoS 1/2 messages in flight [default: 20]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s D -l property -d 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-topic -d 'Topic of the last will' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-payload -d 'Payload of the last will [default: empty]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-qos -d 'QoS of the last will [default: 0]' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cafile -d 'Not supported yet: TLS comes with the transports' -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l capath -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l cert -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l key -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l keyform -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l ciphers -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-version -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-alpn -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-engine-kpass-sha1 -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l psk-identity -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l proxy -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l unix -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s A -r
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s s -l stdin-file -d 'Read all of stdin and send it as one message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s l -l stdin-line -d 'Send each line of stdin as a message (streaming)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s n -l null-message -d 'Send a zero-length message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s r -l retain -d 'Ask the broker to retain the message'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s c -l disable-clean-session -d 'Keep the session on the broker (clean session off); needs -i'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l will-retain -d 'Retain the last will'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -s d -l debug -d 'Print every packet as mosquitto\'s -d does (on stdout)'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l quiet -d 'Do not print runtime errors and warnings'
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l tls-use-os-certs
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l insecure
complete -c mqtk -n "__fish_mqtk_using_subcommand pub" -l help -d 'Print help'
complete -c mqtk -n "__fish_mqtk_using_subcommand generate" -l help -d 'Print help'
