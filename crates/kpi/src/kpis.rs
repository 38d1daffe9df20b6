//! The KPIs of one period (a month or a whole run), in the units a report uses: MWh, m³, kg CO₂,
//! kW, °C, hours. The ratios are always derived from the energies in the same struct, so a
//! period built by adding months ([`Kpis::combine`]) gets the same ratios as one accumulated
//! directly.

use serde::{Deserialize, Serialize};

/// Kelvin to degrees Celsius offset.
pub(crate) const ZERO_CELSIUS_K: f64 = 273.15;

/// KPIs and the energies they come from, for one period. Ratios are `None` (JSON `null`) when
/// the period has no IT energy; they are never NaN or infinite.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    /// Start of the first interval (or part of one) in the period, Unix epoch s UTC.
    pub start_s: Option<f64>,
    /// End of the last interval (or part of one) in the period, Unix epoch s UTC.
    pub end_s: Option<f64>,
    /// Time covered by intervals, h (less than end − start if the run has gaps).
    pub hours: f64,
    /// E_IT: IT energy, MWh.
    pub it_energy_mwh: f64,
    /// E_facility: total data-centre energy (IT + conversion + pumps + fans + heat pumps +
    /// chillers + other), MWh.
    pub facility_energy_mwh: f64,
    /// Power-chain conversion losses upstream of IT, MWh.
    pub conversion_loss_mwh: f64,
    /// Pump electricity, MWh.
    pub pump_energy_mwh: f64,
    /// Dry-cooler and tower fan electricity, MWh.
    pub fan_energy_mwh: f64,
    /// Heat-pump electricity, MWh.
    pub heat_pump_energy_mwh: f64,
    /// Chiller electricity, MWh.
    pub chiller_energy_mwh: f64,
    /// Other facility electricity (air cooling of residual IT heat, lighting), MWh.
    pub other_facility_energy_mwh: f64,
    /// IT heat taken by the liquid, MWh.
    pub it_heat_to_liquid_mwh: f64,
    /// E_reuse: data-centre heat handed across the boundary to consumers, MWh.
    pub reused_heat_mwh: f64,
    /// Heat rejected to ambient, MWh.
    pub rejected_heat_mwh: f64,
    /// Backup-boiler heat (outside the boundary; for information), MWh.
    pub boiler_heat_mwh: f64,
    /// On-site renewable generation, MWh (`None` if no interval gave it).
    pub onsite_renewable_mwh: Option<f64>,
    /// Site water used, m³ (1 kg = 1 L).
    pub water_m3: f64,
    /// CO₂ of the facility energy at the grid factor of each interval, kg.
    pub co2_kg: f64,
    /// Mean IT power over the covered hours, kW.
    pub mean_it_power_kw: Option<f64>,
    /// Highest interval-mean IT power, kW.
    pub peak_it_power_kw: Option<f64>,
    /// PUE = E_facility / E_IT (ISO/IEC 30134-2).
    pub pue: Option<f64>,
    /// Partial PUE of cooling = (E_IT + pumps + fans + chillers) / E_IT.
    pub ppue_cooling: Option<f64>,
    /// Partial PUE of heat reuse = (E_IT + heat pumps) / E_IT.
    pub ppue_reuse: Option<f64>,
    /// ERE = (E_facility − E_reuse) / E_IT (The Green Grid). Negative when the heat exported
    /// exceeds the facility energy (possible with heat pumps: see the crate doc).
    pub ere: Option<f64>,
    /// ERF = E_reuse / E_facility (ISO/IEC 30134-6).
    pub erf: Option<f64>,
    /// WUE = site water L / E_IT kWh (ISO/IEC 30134-9), L/kWh (= m³/MWh).
    pub wue_l_per_kwh: Option<f64>,
    /// CUE = CO₂ kg / E_IT kWh (ISO/IEC 30134-8), kg/kWh.
    pub cue_kg_per_kwh: Option<f64>,
    /// REF = on-site renewable energy / E_facility (ISO/IEC 30134-3); `None` without renewables
    /// data.
    #[serde(rename = "ref")]
    pub ref_: Option<f64>,
    /// Reused-heat-weighted mean delivery temperature of the reused heat, °C.
    pub reused_heat_mean_c: Option<f64>,
    /// Time-averaged waste-heat temperature (EU TWH), °C, over the hours it was given.
    pub waste_heat_mean_c: Option<f64>,
    /// Hours for which the waste-heat temperature was given (its averaging weight).
    pub waste_heat_hours: f64,
    /// Hours with at least one rack above its W-class supply limit.
    pub hours_over_class: f64,
    /// Most racks above their W-class limit at once.
    pub max_racks_over_class: u32,
    /// The supply limit of `hours_supply_over_limit`, °C (`None`: none was set).
    pub supply_limit_c: Option<f64>,
    /// Hours in which the highest rack supply temperature exceeded `supply_limit_c`.
    pub hours_supply_over_limit: Option<f64>,
    /// Highest rack supply temperature, °C.
    pub max_supply_c: Option<f64>,
    /// Highest chip temperature, °C.
    pub peak_chip_c: Option<f64>,
}

/// `a / b`, or `None` when `b` is not positive (so no NaN or infinity ever reaches a report).
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b).filter(|r| r.is_finite())
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn add_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Kpis {
    /// Recomputes every ratio from the energies and amounts in `self` (the one place the
    /// formulas live). All ratios are `None` when there is no IT energy.
    pub fn with_ratios(mut self) -> Self {
        let it = self.it_energy_mwh;
        let fac = self.facility_energy_mwh;
        let has_it = it > 0.0;
        let over_it = |x: f64| if has_it { ratio(x, it) } else { None };
        self.pue = over_it(fac);
        self.ppue_cooling =
            over_it(it + self.pump_energy_mwh + self.fan_energy_mwh + self.chiller_energy_mwh);
        self.ppue_reuse = over_it(it + self.heat_pump_energy_mwh);
        self.ere = over_it(fac - self.reused_heat_mwh);
        self.erf = if has_it {
            ratio(self.reused_heat_mwh, fac)
        } else {
            None
        };
        // m³ / MWh is numerically L / kWh.
        self.wue_l_per_kwh = over_it(self.water_m3);
        self.cue_kg_per_kwh = over_it(self.co2_kg / 1000.0);
        self.ref_ = match self.onsite_renewable_mwh {
            Some(ren) if has_it => ratio(ren, fac),
            _ => None,
        };
        self.mean_it_power_kw = ratio(it * 1000.0, self.hours);
        self
    }

    /// The KPIs of the union of several periods (e.g. the months of a calendar year): energies,
    /// amounts and hours add, temperatures are re-weighted (reuse temperature by reused heat,
    /// waste-heat temperature by its hours), extremes take the maximum, ratios are recomputed.
    pub fn combine<'a>(parts: impl IntoIterator<Item = &'a Kpis>) -> Kpis {
        let mut total = Kpis::default();
        let mut reuse_weighted_c = 0.0;
        let mut waste_weighted_c = 0.0;
        for p in parts {
            total.start_s = min_opt(total.start_s, p.start_s);
            total.end_s = max_opt(total.end_s, p.end_s);
            total.hours += p.hours;
            total.it_energy_mwh += p.it_energy_mwh;
            total.facility_energy_mwh += p.facility_energy_mwh;
            total.conversion_loss_mwh += p.conversion_loss_mwh;
            total.pump_energy_mwh += p.pump_energy_mwh;
            total.fan_energy_mwh += p.fan_energy_mwh;
            total.heat_pump_energy_mwh += p.heat_pump_energy_mwh;
            total.chiller_energy_mwh += p.chiller_energy_mwh;
            total.other_facility_energy_mwh += p.other_facility_energy_mwh;
            total.it_heat_to_liquid_mwh += p.it_heat_to_liquid_mwh;
            total.reused_heat_mwh += p.reused_heat_mwh;
            total.rejected_heat_mwh += p.rejected_heat_mwh;
            total.boiler_heat_mwh += p.boiler_heat_mwh;
            total.onsite_renewable_mwh =
                add_opt(total.onsite_renewable_mwh, p.onsite_renewable_mwh);
            total.water_m3 += p.water_m3;
            total.co2_kg += p.co2_kg;
            total.peak_it_power_kw = max_opt(total.peak_it_power_kw, p.peak_it_power_kw);
            if let Some(t) = p.reused_heat_mean_c {
                reuse_weighted_c += t * p.reused_heat_mwh;
            }
            if let Some(t) = p.waste_heat_mean_c {
                waste_weighted_c += t * p.waste_heat_hours;
                total.waste_heat_hours += p.waste_heat_hours;
            }
            total.hours_over_class += p.hours_over_class;
            total.max_racks_over_class = total.max_racks_over_class.max(p.max_racks_over_class);
            total.supply_limit_c = total.supply_limit_c.or(p.supply_limit_c);
            total.hours_supply_over_limit =
                add_opt(total.hours_supply_over_limit, p.hours_supply_over_limit);
            total.max_supply_c = max_opt(total.max_supply_c, p.max_supply_c);
            total.peak_chip_c = max_opt(total.peak_chip_c, p.peak_chip_c);
        }
        total.reused_heat_mean_c = ratio(reuse_weighted_c, total.reused_heat_mwh);
        total.waste_heat_mean_c = ratio(waste_weighted_c, total.waste_heat_hours);
        total.with_ratios()
    }

    /// Every field as `(name, value)`, names as in the JSON, in declaration order (the CSV
    /// columns). Counts are given as numbers.
    pub fn fields(&self) -> Vec<(&'static str, Option<f64>)> {
        vec![
            ("start_s", self.start_s),
            ("end_s", self.end_s),
            ("hours", Some(self.hours)),
            ("it_energy_mwh", Some(self.it_energy_mwh)),
            ("facility_energy_mwh", Some(self.facility_energy_mwh)),
            ("conversion_loss_mwh", Some(self.conversion_loss_mwh)),
            ("pump_energy_mwh", Some(self.pump_energy_mwh)),
            ("fan_energy_mwh", Some(self.fan_energy_mwh)),
            ("heat_pump_energy_mwh", Some(self.heat_pump_energy_mwh)),
            ("chiller_energy_mwh", Some(self.chiller_energy_mwh)),
            (
                "other_facility_energy_mwh",
                Some(self.other_facility_energy_mwh),
            ),
            ("it_heat_to_liquid_mwh", Some(self.it_heat_to_liquid_mwh)),
            ("reused_heat_mwh", Some(self.reused_heat_mwh)),
            ("rejected_heat_mwh", Some(self.rejected_heat_mwh)),
            ("boiler_heat_mwh", Some(self.boiler_heat_mwh)),
            ("onsite_renewable_mwh", self.onsite_renewable_mwh),
            ("water_m3", Some(self.water_m3)),
            ("co2_kg", Some(self.co2_kg)),
            ("mean_it_power_kw", self.mean_it_power_kw),
            ("peak_it_power_kw", self.peak_it_power_kw),
            ("pue", self.pue),
            ("ppue_cooling", self.ppue_cooling),
            ("ppue_reuse", self.ppue_reuse),
            ("ere", self.ere),
            ("erf", self.erf),
            ("wue_l_per_kwh", self.wue_l_per_kwh),
            ("cue_kg_per_kwh", self.cue_kg_per_kwh),
            ("ref", self.ref_),
            ("reused_heat_mean_c", self.reused_heat_mean_c),
            ("waste_heat_mean_c", self.waste_heat_mean_c),
            ("waste_heat_hours", Some(self.waste_heat_hours)),
            ("hours_over_class", Some(self.hours_over_class)),
            (
                "max_racks_over_class",
                Some(f64::from(self.max_racks_over_class)),
            ),
            ("supply_limit_c", self.supply_limit_c),
            ("hours_supply_over_limit", self.hours_supply_over_limit),
            ("max_supply_c", self.max_supply_c),
            ("peak_chip_c", self.peak_chip_c),
        ]
    }
}
