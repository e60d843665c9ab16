# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_breakeven_global_optspecs
    string join \n pricing= h/help V/version
end

function __fish_breakeven_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_breakeven_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_breakeven_using_subcommand
    set -l cmd (__fish_breakeven_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c breakeven -n "__fish_breakeven_needs_command" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_needs_command" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_needs_command" -s V -l version -d 'Print version'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "quote" -d 'Price an average month on one service, the way the providers\' calculators do'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "check" -d 'Validate scenario and pricing files'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "sweep" -d 'Cost curves against traffic (or memory, duration, burstiness) and break-even points'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "report" -d 'Write a report to share: HTML with charts, Markdown, CSV or JSON, by OUT\'s extension'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "run" -d 'Simulate a scenario and print the comparison per platform'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "import" -d 'Read logs of what runs today and write a scenario fitted to them'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "completions" -d 'Print a shell completion script (the Debian package installs them)'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "manpage" -d 'Print the manual page (roff) of breakeven or of one command'
complete -c breakeven -n "__fish_breakeven_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l requests -d 'Requests (or executions, invocations) per month' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l duration-ms -d 'Average request duration, ms' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l memory-mb -d 'Configured memory, MB' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l arch -r -f -a "x86_64\t''
arm64\t''"
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l ephemeral-mb -d 'Lambda ephemeral storage configured, MB (512 included)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l provisioned -d 'Lambda provisioned concurrency (environments); requests are then served by them' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l provisioned-hours -d 'Hours per month provisioned concurrency is enabled' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l request-kb -d 'API Gateway HTTP: payload per request (request + response), KB' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l response-kb -d 'API Gateway REST: response size, KB (billed as data transfer out)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l task-hours -d 'Fargate: task-hours per month (tasks x hours each)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l vcpu -d 'vCPU per task, replica or instance' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l commitment-per-hour -d 'With --purchase savings-1y|savings-3y (cud-1y|cud-3y): a commitment of this many dollars an hour, paid every hour of the month and covering usage up to it (AWS: at the plan\'s rates; Google: in on-demand dollars); usage above it pays on demand' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l vcpu-seconds -d 'Cloud Run: billable vCPU-seconds a month, given directly (with --gib-seconds; instead of --duration-ms and the instance shape)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l gib-seconds -d 'Cloud Run: billable GiB-seconds a month, given directly (with --vcpu-seconds)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l memory-gb -d 'Memory per task or replica, GB (GiB)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l ephemeral-gb -d 'Fargate ephemeral storage per task, GB (20 included)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l instance -d 'EC2 instance type, e.g. t3.medium' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l currency -d 'Show amounts in this currency (EUR, GBP, JPY, INR, AUD, CAD, CHF, BRL, ...) at the catalog\'s dated reference rate; JSON keeps every *_usd field and adds currency, exchange_rate, rate_date and total' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l exchange-rate -d 'Units of --currency per US dollar, instead of the catalog\'s reference rate' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l region -d 'Region to price in (eu-central-1, europe-west3, westeurope, ...); default: the provider\'s reference region (us-east-1, us-central1, eastus)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l hours -d 'Hours per month (EC2 instance-hours, ALB hours, Container Apps active replica-hours)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l idle-hours -d 'Container Apps: idle replica-hours per month' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l purchase -r -f -a "on-demand\t''
savings-1y\t'The provider\'s one-year commitment: an AWS savings plan, a Google committed use discount (`cud-1y`)'
savings-3y\t'The provider\'s three-year commitment (`cud-3y` on Google Cloud)'
spot\t''"
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l cpu-ms -d 'Cloudflare Workers: CPU time per request, ms' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l concurrency -d 'Cloud Run: requests served at once per instance' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l lcu -d 'ALB: average load balancer capacity units per hour' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l always-ready -d 'Azure Flex Consumption: always-ready instances' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l gb-out -d 'Data transfer out to the internet, GB (GiB on Google Cloud)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l gb -d 'GB: NAT gateway data processed, Pub/Sub throughput, EBS volume size' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l inter-az-gb -d 'Traffic between availability zones, GB (sent plus received)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l addresses -d 'Public IPv4 addresses (with --hours)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l tunnels -d 'VPN tunnels (with --hours)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l ingest-gb -d 'Logs ingested, GB (custom logs on CloudWatch)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l vended-gb -d 'Vended logs (Lambda function logs on CloudWatch, network logs on Cloud Logging), GB' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l archive-gb -d 'Logs archived or retained beyond the included period, GB-months' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l insights-gb -d 'CloudWatch Logs Insights data scanned, GB' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l storage-gb -d 'Data stored, GB-months' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l reads -d 'Read requests (DynamoDB read request units, S3 GETs, Firestore reads, Queues reads)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l writes -d 'Write requests (DynamoDB write request units, S3 PUTs, Firestore writes, Queues writes)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l deletes -d 'Deletes (Firestore, Queues)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l transitions -d 'Step Functions Standard state transitions' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l events -d 'Events (EventBridge events, Workers Logs events)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l request-units -d 'Cosmos DB serverless request units' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l payload-kb -d 'Payload per call, KB (SQS, EventBridge, Queues bill per started 64 KB)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l type -d 'EBS volume type: gp3 (default), gp2, io1' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l iops -d 'EBS provisioned IOPS' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l throughput -d 'EBS provisioned throughput, MB/s' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l ebs-gb -d 'EC2: a gp3 root volume of this many GB per instance' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l public-ipv4 -d 'EC2: public IPv4 addresses per instance' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l cpu-utilization -d 'EC2 burstable (T-family): average share of the vCPUs in use, 0 to 1; adds the surplus credits above the baseline (unlimited mode)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l no-free-tier -d 'Do not apply free tiers or included usage'
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l windows -d 'Fargate: Windows tasks'
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l instance-based -d 'Cloud Run: instance-based billing'
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -l json -d 'Print JSON instead of a table'
complete -c breakeven -n "__fish_breakeven_using_subcommand quote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c breakeven -n "__fish_breakeven_using_subcommand check" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand check" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l axis -d 'What to vary' -r -f -a "traffic\t''
memory\t''
duration\t''
burstiness\t''
region\t'Every platform moved to its provider\'s region in each place (N. Virginia, Frankfurt, Tokyo, ...)'
purchase\t'On demand, 1- and 3-year commitments sized to the traffic, Spot; and the commitment that pays on each platform'"
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l points -d 'Grid points (crossovers are refined between them)' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l workload -d 'Applications (several workloads): scale only this workload\'s traffic (and what it triggers); without it the whole application\'s traffic is scaled' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l currency -d 'Show amounts in this currency (EUR, GBP, JPY, INR, AUD, CAD, CHF, BRL, ...) at the catalog\'s dated reference rate; JSON keeps every *_usd field and adds currency, exchange_rate, rate_date and total' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l exchange-rate -d 'Units of --currency per US dollar, instead of the catalog\'s reference rate' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -l json -d 'Print JSON instead of a table'
complete -c breakeven -n "__fish_breakeven_using_subcommand sweep" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -s o -l output -d 'Output file: .html, .md, .csv or .json' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -l currency -d 'Show amounts in this currency (EUR, GBP, JPY, INR, AUD, CAD, CHF, BRL, ...) at the catalog\'s dated reference rate; JSON keeps every *_usd field and adds currency, exchange_rate, rate_date and total' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -l exchange-rate -d 'Units of --currency per US dollar, instead of the catalog\'s reference rate' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -l fast -d 'Use the fast aggregate mode for the main run (sweeps and the map always do)'
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -l series -d 'CSV reports: also write the time series to OUT-series.csv'
complete -c breakeven -n "__fish_breakeven_using_subcommand report" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -l currency -d 'Show amounts in this currency (EUR, GBP, JPY, INR, AUD, CAD, CHF, BRL, ...) at the catalog\'s dated reference rate; JSON keeps every *_usd field and adds currency, exchange_rate, rate_date and total' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -l exchange-rate -d 'Units of --currency per US dollar, instead of the catalog\'s reference rate' -r
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -l json -d 'Print JSON instead of tables'
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -l fast -d 'Use the fast aggregate mode instead of simulating every request'
complete -c breakeven -n "__fish_breakeven_using_subcommand run" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_using_subcommand import" -s o -l output -d 'The scenario to write (its trace goes beside it)' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand import" -l format -d 'The log format (detected from the first file when not given)' -r -f -a "lambda-report\t'AWS Lambda REPORT lines'
alb\t'Elastic Load Balancing (ALB) access logs'
combined\t'nginx/Apache combined (or common) log format'
cloudrun-json\t'Cloud Logging request-log JSON lines (Cloud Run)'
cloudwatch-csv\t'CloudWatch metric CSV export of per-period counts'"
complete -c breakeven -n "__fish_breakeven_using_subcommand import" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand import" -l json -d 'Print what was found as JSON instead of a summary'
complete -c breakeven -n "__fish_breakeven_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c breakeven -n "__fish_breakeven_using_subcommand completions" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand completions" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_using_subcommand manpage" -l pricing -d 'Folder of price files (*.ron) that override or add to the built-in catalog' -r -F
complete -c breakeven -n "__fish_breakeven_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "quote" -d 'Price an average month on one service, the way the providers\' calculators do'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "check" -d 'Validate scenario and pricing files'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "sweep" -d 'Cost curves against traffic (or memory, duration, burstiness) and break-even points'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "report" -d 'Write a report to share: HTML with charts, Markdown, CSV or JSON, by OUT\'s extension'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "run" -d 'Simulate a scenario and print the comparison per platform'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "import" -d 'Read logs of what runs today and write a scenario fitted to them'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "completions" -d 'Print a shell completion script (the Debian package installs them)'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "manpage" -d 'Print the manual page (roff) of breakeven or of one command'
complete -c breakeven -n "__fish_breakeven_using_subcommand help; and not __fish_seen_subcommand_from quote check sweep report run import completions manpage help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
