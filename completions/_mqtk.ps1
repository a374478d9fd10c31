
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mqtk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mqtk'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mqtk' {
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (drop-in for mosquitto_pub)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages into a directory')
            break
        }
        'mqtk;pub' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to publish to')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Send this message (bytes as given)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Send this message (bytes as given)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of a file as the message')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of a file as the message')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2 [default: 0]')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service: 0, 1 or 2 [default: 0]')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Publish the message this many times (not with -l)')
            [CompletionResult]::new('--repeat-delay', '--repeat-delay', [CompletionResultType]::ParameterName, 'Seconds to wait between repeats, after the previous one completes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host name or address [default: localhost]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host name or address [default: localhost]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[USER[:PASS]@]HOST[:PORT]/TOPIC')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: assigned by the broker]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: assigned by the broker]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keepalive in seconds (5..65535) [default: 60]')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keepalive in seconds (5..65535) [default: 60]')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'v5 session expiry interval in seconds, or -1 / ∞ for never')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5) [default: 311]')
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'Maximum QoS 1/2 messages in flight [default: 20]')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'MQTT v5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Topic of the last will')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Payload of the last will [default: empty]')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'QoS of the last will [default: 0]')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Not supported yet: TLS comes with the transports')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'capath')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'cert')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'key')
            [CompletionResult]::new('--keyform', '--keyform', [CompletionResultType]::ParameterName, 'keyform')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'ciphers')
            [CompletionResult]::new('--tls-version', '--tls-version', [CompletionResultType]::ParameterName, 'tls-version')
            [CompletionResult]::new('--tls-alpn', '--tls-alpn', [CompletionResultType]::ParameterName, 'tls-alpn')
            [CompletionResult]::new('--tls-engine', '--tls-engine', [CompletionResultType]::ParameterName, 'tls-engine')
            [CompletionResult]::new('--tls-engine-kpass-sha1', '--tls-engine-kpass-sha1', [CompletionResultType]::ParameterName, 'tls-engine-kpass-sha1')
            [CompletionResult]::new('--psk', '--psk', [CompletionResultType]::ParameterName, 'psk')
            [CompletionResult]::new('--psk-identity', '--psk-identity', [CompletionResultType]::ParameterName, 'psk-identity')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'proxy')
            [CompletionResult]::new('--unix', '--unix', [CompletionResultType]::ParameterName, 'unix')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'A')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Read all of stdin and send it as one message')
            [CompletionResult]::new('--stdin-file', '--stdin-file', [CompletionResultType]::ParameterName, 'Read all of stdin and send it as one message')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Send each line of stdin as a message (streaming)')
            [CompletionResult]::new('--stdin-line', '--stdin-line', [CompletionResultType]::ParameterName, 'Send each line of stdin as a message (streaming)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send a zero-length message')
            [CompletionResult]::new('--null-message', '--null-message', [CompletionResultType]::ParameterName, 'Send a zero-length message')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Ask the broker to retain the message')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session on the broker (clean session off); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session on the broker (clean session off); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the last will')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Disable Nagle''s algorithm (TCP_NODELAY)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print every packet as mosquitto''s -d does (on stdout)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print every packet as mosquitto''s -d does (on stdout)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print runtime errors and warnings')
            [CompletionResult]::new('--tls-use-os-certs', '--tls-use-os-certs', [CompletionResultType]::ParameterName, 'tls-use-os-certs')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'insecure')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mqtk;generate' {
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
