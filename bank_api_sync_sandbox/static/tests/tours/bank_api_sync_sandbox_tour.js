import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bank_api_sync_sandbox_dashboard_sync_now", {
    steps: () => [
        {
            content: "The bank journal fed by the connection offers Sync Now",
            trigger: ".o_kanban_record:contains(Rachunek bieżący) button[name=action_bank_api_sync_now]",
            run: "click",
        },
        {
            content: "The outcome of the sync is shown",
            trigger: ".o_notification:contains(new line)",
        },
    ],
});

registry.category("web_tour.tours").add("bank_api_sync_sandbox_pilot_go_live", {
    steps: () => [
        {
            content: "A journal in pilot wears a Pilot badge that opens the Pilot Report",
            trigger: ".o_kanban_record:contains(Rachunek bieżący) a[name=action_bank_api_pilot_report]",
            run: "click",
        },
        {
            content: "The report says what a go-live would have done",
            trigger: ".modal .o_bank_api_pilot_report:contains(Would Be Reconciled Automatically):contains(Rachunek bieżący)",
        },
        {
            content: "Go Live from the report",
            trigger: ".modal .modal-footer button[name=action_go_live]",
            run: "click",
        },
        {
            content: "The go-live dialog lists the connection's journals and asks to go live",
            trigger: ".modal:contains(Journals Going Live) .modal-footer button[name=action_go_live]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal:contains(End the pilot) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The outcome is shown",
            trigger: ".o_notification:contains(Reconciled:)",
        },
    ],
});
