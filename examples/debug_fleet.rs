use breakeven::model::load_scenario_file;
use breakeven::pricing::Catalog;
use breakeven::sim::{Mode, simulate};
use std::path::Path;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cat = Catalog::builtin().unwrap();
    let mut s = load_scenario_file(Path::new(&args[1]), &cat).unwrap();
    s.horizon_days = args[3].parse().unwrap();
    let name = &args[2];
    let f = simulate(&s, Path::new("scenarios"), &cat, Mode::Fast).unwrap();
    let e = simulate(&s, Path::new("scenarios"), &cat, Mode::Exact).unwrap();
    let pf = f.platforms.iter().find(|p| &p.name == name).unwrap();
    let pe = e.platforms.iter().find(|p| &p.name == name).unwrap();
    println!("bucket {}", f.bucket_s);
    let from: usize = std::env::var("FROM").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    for i in from..pf.series.busy.len().min(from + 60) {
        println!(
            "{i:3} rate {:8.2} | fast busy {:6.2} idle {:6.2} start {:5.2} q {:8.2} cold {:5.1} | exact busy {:6.2} idle {:6.2} start {:5.2} q {:8.2} cold {:5.1}",
            f.traffic.rate_rps[i],
            pf.series.busy[i],
            pf.series.idle[i],
            pf.series.starting[i],
            pf.series.queue[i],
            pf.series.cold_starts[i],
            pe.series.busy[i],
            pe.series.idle[i],
            pe.series.starting[i],
            pe.series.queue[i],
            pe.series.cold_starts[i]
        );
    }
}
