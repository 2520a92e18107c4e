//! The order in which KPIs without a source are evaluated: each after the KPIs it names.

use indexmap::IndexMap;

use polars::prelude::Expr;

use super::{root_names, PlanError};
use crate::spec::{suggest, Spec};

/// The KPIs without a source, and what each reads.
pub struct Derived {
    /// Each after every KPI it reads.
    pub order: Vec<String>,
    pub reads: IndexMap<String, Vec<String>>,
}

/// KPIs without a source in evaluation order. Unknown names and cycles are errors.
pub fn derived(spec: &Spec, exprs: &IndexMap<String, Expr>) -> Result<Derived, PlanError> {
    let mut needs: IndexMap<&str, Vec<String>> = IndexMap::new();
    for kpi in spec.kpis.values().filter(|k| k.source.is_none()) {
        let names = root_names(&exprs[&kpi.id]);
        for name in &names {
            if !spec.kpis.contains_key(name) {
                let help = suggest::help(name, spec.kpis.keys().map(String::as_str)).map(|h| {
                    format!(
                        "{h} (a KPI without `source` is computed from other KPIs; give it a `source` to read columns)"
                    )
                });
                return Err(PlanError::unknown_name(spec, &kpi.id, name, help));
            }
        }
        needs.insert(kpi.id.as_str(), names);
    }
    let mut order: Vec<String> = Vec::new();
    let mut visiting: Vec<&str> = Vec::new();
    for id in needs.keys() {
        visit(spec, id, &needs, &mut visiting, &mut order)?;
    }
    let reads = needs.into_iter().map(|(id, names)| (id.to_owned(), names)).collect();
    Ok(Derived { order, reads })
}

fn visit<'a>(
    spec: &Spec,
    id: &'a str,
    needs: &'a IndexMap<&'a str, Vec<String>>,
    visiting: &mut Vec<&'a str>,
    order: &mut Vec<String>,
) -> Result<(), PlanError> {
    if order.iter().any(|done| done == id) {
        return Ok(());
    }
    let Some(names) = needs.get(id) else {
        return Ok(()); // a KPI with a source: computed before any of these
    };
    if let Some(start) = visiting.iter().position(|v| *v == id) {
        let mut cycle: Vec<&str> = visiting[start..].to_vec();
        cycle.push(id);
        return Err(PlanError::cycle(spec, &cycle));
    }
    visiting.push(id);
    for name in names {
        visit(spec, name, needs, visiting, order)?;
    }
    visiting.pop();
    order.push(id.to_owned());
    Ok(())
}
