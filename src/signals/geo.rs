//! Where countries lie, roughly: enough to tell travel between two countries that no
//! plane could make. A country is found by its ISO code or its English name (any case),
//! as servers send one or the other; one not in the table is not placed.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A point on the earth, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub lat: f64,
    pub lon: f64,
}

/// Every name of every country in the table, lower-cased, to its middle and its name.
static COUNTRIES: LazyLock<HashMap<String, (Place, &'static str)>> = LazyLock::new(|| {
    let mut countries = HashMap::new();
    let table = include_str!("../../assets/geo/countries.csv");
    for line in table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut cells = line.splitn(4, ',');
        let (Some(code), Some(lat), Some(lon), Some(names)) =
            (cells.next(), cells.next(), cells.next(), cells.next())
        else {
            continue;
        };
        let (Ok(lat), Ok(lon)) = (lat.parse(), lon.parse()) else {
            continue;
        };
        let place = Place { lat, lon };
        let name = names.split('|').next().unwrap_or(code);
        for alias in std::iter::once(code).chain(names.split('|')) {
            countries.insert(alias.trim().to_lowercase(), (place, name));
        }
    }
    countries
});

/// Where `country` lies, if the table has it.
pub fn place(country: &str) -> Option<Place> {
    COUNTRIES.get(&key(country)).map(|&(place, _)| place)
}

/// Whether `a` and `b` name the same country (`NL` and `Netherlands` do); names not in
/// the table are the same when they are spelled alike, in any case.
pub fn same_country(a: &str, b: &str) -> bool {
    let (a, b) = (key(a), key(b));
    match (COUNTRIES.get(&a), COUNTRIES.get(&b)) {
        (Some((_, a)), Some((_, b))) => a == b,
        _ => a == b,
    }
}

fn key(country: &str) -> String {
    country.trim().to_lowercase()
}

/// How far apart two places are over the earth's surface, in kilometres.
pub fn km_between(a: Place, b: Place) -> f64 {
    const EARTH_KM: f64 = 6371.0;
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lb - la;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_code_or_name_in_any_case() {
        assert_eq!(place("NL"), place("the netherlands"));
        assert!(place(" Türkiye ").is_some());
        assert!(place("Atlantis").is_none());
        assert!(same_country("nl", "Netherlands"));
        assert!(same_country("Atlantis", "ATLANTIS"));
        assert!(!same_country("NL", "Belgium"));
        // Every line of the table is read.
        let table = include_str!("../../assets/geo/countries.csv");
        let lines = table
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for line in lines {
            let code = line.split(',').next().unwrap_or_default();
            assert!(place(code).is_some(), "{line}");
        }
    }

    #[test]
    fn distances_are_those_of_a_globe() {
        let amsterdam_to_sao_paulo = km_between(
            Place {
                lat: 52.37,
                lon: 4.9,
            },
            Place {
                lat: -23.55,
                lon: -46.63,
            },
        );
        assert!((9700.0..9900.0).contains(&amsterdam_to_sao_paulo));
        let here = Place { lat: 1.0, lon: 2.0 };
        assert_eq!(km_between(here, here), 0.0);
        // Antipodes: half the way round, not NaN.
        let there = Place {
            lat: -1.0,
            lon: -178.0,
        };
        assert!((km_between(here, there) - 20015.0).abs() < 5.0);
    }
}
