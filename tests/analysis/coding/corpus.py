"""Posts whose themes are obvious: parking, the rota and the canteen."""

from __future__ import annotations

PARKING = [
    (
        "Car park",
        "The staff car park is full by eight, so late starters cannot find a parking space.",
    ),
    (
        "Parking permits",
        "Parking permits cost too much. The car park fee takes a day's pay each month.",
    ),
    ("Spaces for nights", "Night staff arrive when the car park is full and park on the verge."),
    ("More spaces", "We need more parking spaces; the car park was built for half the staff."),
    ("Permit waiting list", "The waiting list for a car park permit is two years."),
    ("Visitors take spaces", "Visitors park in staff spaces, so the car park is full by nine."),
]
ROTA = [
    ("Rota too late", "The rota is published too late to plan childcare around my shifts."),
    ("Swap shifts", "Swapping shifts on the rota needs three signatures; it should be easy."),
    ("Fair weekends", "The rota gives some people every weekend shift and others none."),
    ("Rota app", "Put the rota in an app so we can see shifts and request swaps."),
    ("Six weeks ahead", "Publish the rota six weeks ahead so shifts can be planned."),
    ("Long shifts", "Three long shifts in a row on the rota leave people exhausted."),
]
CANTEEN = [
    ("Canteen hours", "The canteen closes at seven, so night staff get no hot food or meals."),
    ("Healthy food", "The canteen food is fried; we want healthier meals and salads."),
    ("Canteen prices", "Canteen meals cost more than the supermarket; food prices should drop."),
    ("Hot meals at night", "A hot meal at three in the morning from the canteen would help."),
    ("Vegetarian meals", "The canteen rarely has vegetarian meals or fresh food."),
    ("Canteen queue", "The canteen queue takes half the break; more tills for food please."),
]
