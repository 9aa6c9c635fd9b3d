"""DuckDB views and cross-document checks the DX plan contributes (the plan beside the action plan)."""

VIEWS: dict[str, str] = {
        # One row per DX-plan measure and action-plan measure of the same code and municipality
        # (full outer join: a measure without counterpart has nulls on the other side), with the
        # plan's objective next to a summary of the action plan's cards and their assessments.
        # The plan side is the latest edition of the DX plan (documents.is_latest_edition; null
        # counts as the latest): every action-plan document, of any edition, is set beside the plan
        # in force, not beside each superseded edition too (N plan × M action-plan editions). The
        # cards are the action plan's initiatives, each once, with its annual entries (one per fiscal
        # year: the primary key) counted per initiative first (not a join of every entry with every
        # KPI value): the same counts in a quarter of the time.
        "hachioji_plan_action_measures": """
            WITH plan AS (
                SELECT d.municipality_code, d.municipality_name, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_dx_plan' AND d.is_latest_edition IS NOT FALSE
            ), action AS (
                SELECT d.municipality_code, d.municipality_name, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_action_plan'
            ), cards AS (
                SELECT i.measure_id,
                       count(*) AS cards,
                       count(k.initiative_id) AS cards_with_kpi_values,
                       sum(e.assessed)::BIGINT AS entries_assessed,
                       sum(e.achieved)::BIGINT AS entries_achieved,
                       sum(e.not_achieved)::BIGINT AS entries_not_achieved
                FROM initiatives i
                LEFT JOIN (
                    SELECT initiative_id,
                           count(*) FILTER (WHERE status = 'achieved') AS achieved,
                           count(*) FILTER (WHERE status = 'not_achieved') AS not_achieved,
                           count(*) FILTER (WHERE status IN ('achieved', 'mostly_achieved', 'partially_achieved',
                                                             'not_achieved')) AS assessed
                    FROM annual_entries
                    GROUP BY initiative_id
                ) e ON e.initiative_id = i.initiative_id
                LEFT JOIN (SELECT DISTINCT initiative_id FROM kpi_values) k ON k.initiative_id = i.initiative_id
                WHERE i.measure_id IN (SELECT measure_id FROM action)
                GROUP BY i.measure_id
            )
            SELECT coalesce(p.municipality_code, a.municipality_code) AS municipality_code,
                   coalesce(p.municipality_name, a.municipality_name) AS municipality_name,
                   coalesce(p.code, a.code) AS measure_code,
                   p.document_id AS plan_document_id, p.measure_id AS plan_measure_id,
                   p.policy_code, p.policy_name, p.name AS plan_measure_name,
                   p.objective AS plan_objective, p.direction AS plan_direction,
                   p.in_jichitai_dx_plan,
                   a.document_id AS action_document_id, a.measure_id AS action_measure_id,
                   a.name AS action_measure_name, a.objective AS action_objective,
                   coalesce(c.cards, 0) AS cards, coalesce(c.cards_with_kpi_values, 0) AS cards_with_kpi_values,
                   coalesce(c.entries_assessed, 0) AS entries_assessed,
                   coalesce(c.entries_achieved, 0) AS entries_achieved,
                   coalesce(c.entries_not_achieved, 0) AS entries_not_achieved
            FROM plan p
            FULL OUTER JOIN action a ON a.municipality_code = p.municipality_code AND a.code = p.code
            LEFT JOIN cards c ON c.measure_id = a.measure_id
        """,
        # One row per DX-plan measure, action-plan card and fiscal year: the plan's objective next to
        # the card's target, result, status and the KPI numbers parsed from them (the plan side: its
        # latest edition, as above).
        "hachioji_plan_action_results": """
            WITH plan AS (
                SELECT d.municipality_code, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_dx_plan' AND d.is_latest_edition IS NOT FALSE
            ), action AS (
                SELECT d.municipality_code, m.measure_id, m.document_id, m.code
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_action_plan'
            ), kv AS (
                SELECT initiative_id, fiscal_year,
                       list(raw ORDER BY seq) FILTER (WHERE kind = 'target') AS kpi_targets,
                       list(raw ORDER BY seq) FILTER (WHERE kind = 'actual') AS kpi_actuals
                FROM kpi_values
                WHERE initiative_id IS NOT NULL
                GROUP BY initiative_id, fiscal_year
            )
            SELECT p.municipality_code, p.code AS measure_code, p.policy_code, p.policy_name,
                   p.document_id AS plan_document_id, p.measure_id AS plan_measure_id,
                   p.name AS plan_measure_name, p.objective AS plan_objective,
                   a.document_id AS action_document_id, a.measure_id AS action_measure_id,
                   i.initiative_id, i.code AS initiative_code, i.name AS initiative_name,
                   i.lead_department, i.indicator, e.fiscal_year, e.target, e.result,
                   e.status_raw, e.status, kv.kpi_targets, kv.kpi_actuals
            FROM plan p
            JOIN action a ON a.municipality_code = p.municipality_code AND a.code = p.code
            JOIN initiatives i ON i.measure_id = a.measure_id
            LEFT JOIN annual_entries e ON e.initiative_id = i.initiative_id
            LEFT JOIN kv ON kv.initiative_id = e.initiative_id AND kv.fiscal_year = e.fiscal_year
        """,
}
# COMMENT on every column of the views (Parser.view_comments on main, from the data-dictionary work)
VIEW_COMMENTS: dict[str, tuple[str, dict[str, str]]] = {
        "hachioji_plan_action_measures": (
            "One row per Hachioji DX-plan measure and action-plan measure of the same code (full outer join): "
            "the plan's objective next to a summary of the action plan's cards and assessments. The plan side "
            "is the latest edition of the DX plan; the action-plan side is every action-plan document.",
            {
                "municipality_code": "6-digit 全国地方公共団体コード shared by the two documents.",
                "municipality_name": "Municipality as written (八王子市).",
                "measure_code": "施策 code shared by the DX plan and the action plan (<基本方針>-<施策>, e.g. 1-1).",
                "plan_document_id": "document_id of the DX plan (hachioji_dx_plan); null when only the action plan has the measure.",
                "plan_measure_id": "measure_id of the DX-plan measure.",
                "policy_code": "基本方針 number of the DX-plan measure.",
                "policy_name": "基本方針 name as the DX plan writes it.",
                "plan_measure_name": "施策 name as the DX plan writes it.",
                "plan_objective": "目的・あるべき姿 of the DX-plan measure.",
                "plan_direction": "事業の方向性 of the DX-plan measure.",
                "in_jichitai_dx_plan": "True when the DX plan marks the measure as part of the national "
                                       "自治体DX推進計画 (null: the mark is an image, not in the text).",
                "action_document_id": "document_id of the action plan (hachioji_action_plan); null when only the DX plan has the measure.",
                "action_measure_id": "measure_id of the action-plan measure of the same code.",
                "action_measure_name": "施策 name as the action plan writes it.",
                "action_objective": "Objective of the action-plan measure.",
                "cards": "Number of action-plan cards (initiatives) under the measure.",
                "cards_with_kpi_values": "Cards with at least one parsed KPI number.",
                "entries_assessed": "Card × fiscal year entries with an assessment (達成 / 概ね達成 / 一部達成 / 未達成).",
                "entries_achieved": "Card × fiscal year entries marked 【達成】.",
                "entries_not_achieved": "Card × fiscal year entries marked 【未達成】.",
            },
        ),
        "hachioji_plan_action_results": (
            "One row per Hachioji DX-plan measure, action-plan card and fiscal year: the plan's objective next "
            "to the card's target, result, status and KPI numbers. The plan side is the latest edition of the "
            "DX plan; the action-plan side is every action-plan document.",
            {
                "municipality_code": "6-digit 全国地方公共団体コード shared by the two documents.",
                "measure_code": "施策 code shared by the DX plan and the action plan (<基本方針>-<施策>, e.g. 1-1).",
                "policy_code": "基本方針 number of the DX-plan measure.",
                "policy_name": "基本方針 name as the DX plan writes it.",
                "plan_document_id": "document_id of the DX plan (hachioji_dx_plan); null when only the action plan has the measure.",
                "plan_measure_id": "measure_id of the DX-plan measure.",
                "plan_measure_name": "施策 name as the DX plan writes it.",
                "plan_objective": "目的・あるべき姿 of the DX-plan measure.",
                "action_document_id": "document_id of the action plan (hachioji_action_plan); null when only the DX plan has the measure.",
                "action_measure_id": "measure_id of the action-plan measure of the same code.",
                "initiative_id": "`<document_id>:<管理番号>` of the card.",
                "initiative_code": "管理番号 of the card (1-1-12).",
                "initiative_name": "事業名称 of the card.",
                "lead_department": "担当 of the card.",
                "indicator": "KPI name of the card (目標KPI).",
                "fiscal_year": "Fiscal year of the entry (Gregorian start year).",
                "target": "The year's target text (目標KPI / 年度目標).",
                "result": "The year's result text (実績).",
                "status_raw": "The year's verbatim mark (【達成】 / 【未達成】 …).",
                "status": "The year's status (status enum).",
                "kpi_targets": "Source texts of the KPI targets parsed for that year, in card order.",
                "kpi_actuals": "Source texts of the KPI actuals parsed for that year, in card order.",
            },
        ),
}


CHECK_QUERIES: dict[str, str] = {
        # Only where the municipality has documents of both formats in the run.
        "Hachioji DX plan measures without an action-plan counterpart": """
            SELECT d.municipality_code, m.code AS measure_code, m.name, m.document_id
            FROM measures m JOIN documents d USING (document_id)
            WHERE d.format = 'hachioji_dx_plan'
              AND EXISTS (SELECT 1 FROM documents x WHERE x.format = 'hachioji_action_plan'
                          AND x.municipality_code = d.municipality_code)
              AND NOT EXISTS (SELECT 1 FROM measures a JOIN documents ad USING (document_id)
                              WHERE ad.format = 'hachioji_action_plan'
                                AND ad.municipality_code = d.municipality_code AND a.code = m.code)
            ORDER BY d.municipality_code, m.document_id, m.seq
        """,
        "Hachioji action-plan measures without a DX-plan counterpart": """
            SELECT d.municipality_code, m.code AS measure_code, m.name, m.document_id
            FROM measures m JOIN documents d USING (document_id)
            WHERE d.format = 'hachioji_action_plan'
              AND EXISTS (SELECT 1 FROM documents x WHERE x.format = 'hachioji_dx_plan'
                          AND x.municipality_code = d.municipality_code)
              AND NOT EXISTS (SELECT 1 FROM measures p JOIN documents pd USING (document_id)
                              WHERE pd.format = 'hachioji_dx_plan'
                                AND pd.municipality_code = d.municipality_code AND p.code = m.code)
            ORDER BY d.municipality_code, m.document_id, m.seq
        """,
}
