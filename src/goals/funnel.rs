//! The sales funnel worked backwards: revenue goal → sales → leads → the highest cost per
//! lead the budget affords, and the period's actual figures beside them.

use serde::Serialize;

use crate::metrics::MetricTable;
use crate::spec::{Funnel, FunnelTarget, Period};

/// The funnel's required and actual figures in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelScore {
    pub revenue_goal: f64,
    pub average_order_value: f64,
    pub lead_to_sale: f64,
    pub budget: Option<f64>,
    pub sales_needed: f64,
    pub leads_needed: f64,
    pub max_cost_per_lead: Option<f64>,
    pub actual_leads: Option<f64>,
    pub actual_spend: Option<f64>,
    pub actual_cost_per_lead: Option<f64>,
    /// Sales the actual leads would bring at the funnel's lead-to-sale rate.
    pub expected_sales: Option<f64>,
}

/// Whole sales needed for the revenue goal.
pub fn sales_needed(funnel: &Funnel) -> f64 {
    (funnel.revenue_goal / funnel.average_order_value).ceil()
}

/// Whole leads needed for those sales.
pub fn leads_needed(funnel: &Funnel) -> f64 {
    (sales_needed(funnel) / funnel.lead_to_sale).ceil()
}

/// The figure a `funnel:` target takes.
pub fn figure(funnel: &Funnel, figure: FunnelTarget) -> Option<f64> {
    match figure {
        FunnelTarget::Leads => Some(leads_needed(funnel)),
        FunnelTarget::CostPerLead => funnel.budget.map(|b| b / leads_needed(funnel)),
    }
}

/// The funnel with the actual leads and spend of `period`, from the KPIs it names.
pub fn score(funnel: &Funnel, table: &MetricTable, period: Period) -> FunnelScore {
    let index = table.index_of(period);
    let actual = |kpi: &Option<String>| kpi.as_ref().and_then(|k| index.and_then(|i| table.value(k, i)));
    let actual_leads = actual(&funnel.actual_leads);
    let actual_spend = actual(&funnel.actual_spend);
    FunnelScore {
        revenue_goal: funnel.revenue_goal,
        average_order_value: funnel.average_order_value,
        lead_to_sale: funnel.lead_to_sale,
        budget: funnel.budget,
        sales_needed: sales_needed(funnel),
        leads_needed: leads_needed(funnel),
        max_cost_per_lead: figure(funnel, FunnelTarget::CostPerLead),
        actual_leads,
        actual_spend,
        actual_cost_per_lead: actual_spend
            .zip(actual_leads)
            .filter(|(_, l)| *l > 0.0)
            .map(|(s, l)| s / l),
        expected_sales: actual_leads.map(|l| (l * funnel.lead_to_sale).floor()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnel(lead_to_sale: f64) -> Funnel {
        Funnel {
            revenue_goal: 800_000.0,
            average_order_value: 80_000.0,
            lead_to_sale,
            budget: Some(40_000.0),
            actual_leads: None,
            actual_spend: None,
        }
    }

    #[test]
    fn from_revenue_to_cost_per_lead() {
        // 800 000 / 80 000 = 10 sales; 10 / 10% = 100 leads; 40 000 / 100 = 400 per lead.
        let ten = funnel(0.10);
        assert_eq!(sales_needed(&ten), 10.0);
        assert_eq!(figure(&ten, FunnelTarget::Leads), Some(100.0));
        assert_eq!(figure(&ten, FunnelTarget::CostPerLead), Some(400.0));
        // 10 / 12.5% = 80 leads; 40 000 / 80 = 500 per lead.
        let eighth = funnel(0.125);
        assert_eq!(figure(&eighth, FunnelTarget::Leads), Some(80.0));
        assert_eq!(figure(&eighth, FunnelTarget::CostPerLead), Some(500.0));
    }

    #[test]
    fn part_sales_and_leads_round_up() {
        // 1 000 000 / 300 000 = 3.33 → 4 sales; 4 / 15% = 26.67 → 27 leads; 50 000 / 27.
        let f = Funnel {
            revenue_goal: 1_000_000.0,
            average_order_value: 300_000.0,
            lead_to_sale: 0.15,
            budget: Some(50_000.0),
            actual_leads: None,
            actual_spend: None,
        };
        assert_eq!(sales_needed(&f), 4.0);
        assert_eq!(leads_needed(&f), 27.0);
        assert_eq!(figure(&f, FunnelTarget::CostPerLead), Some(50_000.0 / 27.0));
        assert_eq!(figure(&Funnel { budget: None, ..f }, FunnelTarget::CostPerLead), None);
    }
}
