//! Large generated scenarios, as TOML text: the loader's size tests
//! (`tests/reliability.rs`) and their timing (`benches/load.rs`) read the same files.

/// A scenario with `n` `[[state]]` tables (and one venue).
pub fn many_states(n: usize) -> String {
    let mut s = String::from("name = \"many\"\nrounds = 2\nseed = 1\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n[[state]]\nid = \"S{i}\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\n"
        ));
    }
    s.push_str("\n[[venue]]\nid = \"v\"\nmembership = \"open\"\ndecision = \"majority\"\ntransparency = 0.5\nhosts = [\"norms\"]\n");
    s
}

/// A scenario with `n` texts, each ratified by another, and a `[[target]]` and a
/// `[[fact]]` on each (issue #13's keys), in a venue that gains the texts' kind only by
/// an event listed last: every check of a record must find it without a scan.
pub fn many_records(n: usize) -> String {
    let mut s = String::from(
        "name = \"records\"\nrounds = 5\nstart_year = 2000\nseed = 1\n\n\
         [[state]]\nid = \"A\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\n\n\
         [[venue]]\nid = \"v\"\nmembership = \"open\"\ndecision = \"majority\"\ntransparency = 0.5\nhosts = [\"cybercrime\"]\n\n\
         [[venue]]\nid = \"w\"\nmembership = \"open\"\ndecision = \"majority\"\ntransparency = 0.5\nhosts = [\"norms\"]\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "\n[[proposal]]\nid = \"p{i}\"\nkind = \"norms\"\nsponsor = \"A\"\nintroduced = 0\n\
             \n[[proposal]]\nid = \"r{i}\"\nkind = \"norms\"\nsponsor = \"A\"\nratifies = \"p{i}\"\nvenue = \"w\"\n\
             \n[[target]]\nid = \"t{i}\"\nproposal = \"p{i}\"\nvenue = \"v\"\nyear = 2002\nyes = 1\nno = 0\nabstain = 0\nabsent = 0\n\
             \n[[fact]]\nid = \"f{i}\"\nproposal = \"p{i}\"\nvenue = \"v\"\nyear = 2002\noutcome = \"adopted\"\n"
        ));
    }
    s.push_str(
        "\n[[event]]\nid = \"v-norms\"\ntype = \"venue_change\"\nround = 1\nvenue = \"v\"\nhosts = [\"cybercrime\", \"norms\"]\n",
    );
    s
}
