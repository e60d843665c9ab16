fn main() {
    std::process::exit(breakeven::cli::main());
}
