fn main() {
    let mut sc = forumsim::model::testkit::toy();
    sc.rounds = 28;
    let mut x = 0.0;
    for r in 0..200 {
        x += forumsim::engine::run(&sc, r, Default::default())
            .rounds
            .last()
            .unwrap()
            .ami;
    }
    println!("{x}");
}
